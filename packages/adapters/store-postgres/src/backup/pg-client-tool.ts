import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redact } from '../postgres-client.js';
import { StoreError } from '../store-error.js';

/** Where the PostgreSQL client tools live (Debian's postgresql-client puts them on /usr/bin). */
export const DEFAULT_PG_BIN_DIR = '/usr/bin';

/** A PostgreSQL client tool (pg_dump, pg_restore) could not be run or reported a failure. */
export class PgToolError extends Error {
  override readonly name = 'PgToolError';
  constructor(
    readonly tool: string,
    message: string,
    /** What the tool wrote to stderr, trimmed; empty when it never ran. */
    readonly stderr: string,
    /** Its exit code; null when it never ran or was killed by a signal. */
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/**
 * Runs a libpq tool against `url` and resolves once it exits with 0. The password never appears on the
 * command line (where `ps` shows it to every local user): it goes to a private passfile named in the
 * connection URI, which libpq reads, and the file is removed afterwards whatever happens.
 */
export async function runPgTool(o: {
  tool: 'pg_dump' | 'pg_restore';
  url: string;
  /** Arguments other than the connection. */
  args: readonly string[];
  binDir?: string;
}): Promise<void> {
  const bin = join(o.binDir ?? DEFAULT_PG_BIN_DIR, o.tool);
  const secretDir = await mkdtemp(join(tmpdir(), 'qubit-pgpass-'));
  try {
    const dbname = await connectionWithPassfile(o.url, secretDir);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(bin, [...o.args, '--no-password', `--dbname=${dbname}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const chunks: Buffer[] = [];
      child.stderr.on('data', (c: Buffer) => chunks.push(c));
      child.on('error', (err: NodeJS.ErrnoException) => {
        const why =
          err.code === 'ENOENT'
            ? `${o.tool} not found at ${bin}: install the PostgreSQL client tools (e.g. apt-get install postgresql-client-15) or point binDir at them`
            : `${o.tool} could not be started (${bin}): ${err.message}`;
        reject(new PgToolError(o.tool, why, '', null));
      });
      child.on('close', (code, signal) => {
        if (code === 0) return resolve();
        const stderr = Buffer.concat(chunks).toString('utf8').trim();
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new PgToolError(o.tool, `${o.tool} ${how}: ${stderr || '(no output)'}`, stderr, code));
      });
    });
  } finally {
    await rm(secretDir, { recursive: true, force: true });
  }
}

/** The URL without its password and with `passfile=` pointing at a 0600 file holding it. */
async function connectionWithPassfile(url: string, secretDir: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError('url', `"${redact(url)}" is not a postgres:// URL`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreError('url', `"${redact(url)}" is not a postgres:// URL`);
  }
  if (!parsed.password) return url;
  const password = decodeURIComponent(parsed.password);
  const passfile = join(secretDir, 'pgpass');
  // One wildcard line: the passfile serves only this one connection. ':' and '\' are escaped as libpq asks.
  await writeFile(passfile, `*:*:*:*:${password.replace(/[\\:]/g, (c) => `\\${c}`)}\n`, { mode: 0o600 });
  await chmod(passfile, 0o600);
  parsed.password = '';
  parsed.searchParams.set('passfile', passfile);
  return parsed.toString();
}
