import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const GEN = 'packages/services/marketdata/src/gen';
const BIN = join(ROOT, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}` };
const BUF = join(ROOT, 'proto', 'buf.mjs');
/** buf through proto/buf.mjs, which finds the binary of this platform. */
const buf = (args: readonly string[]) =>
  spawnSync(process.execPath, [BUF, ...args], { cwd: ROOT, env, encoding: 'utf8' });

function bufMissing(): string | undefined {
  if (!existsSync(BUF)) return 'proto/buf.mjs is missing';
  const r = buf(['--version']);
  return r.status === 0 ? undefined : `buf does not run here: ${r.error?.message ?? r.stderr.trim()}`;
}
const missing = bufMissing();
if (missing !== undefined) console.warn(`skipping the regeneration check: ${missing}`);

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe.skipIf(missing !== undefined)('the committed protobuf code', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('is what `npm run proto` generates from proto/ today', async () => {
    const out = await mkdtemp(join(tmpdir(), 'qubit-proto-'));
    dirs.push(out);
    const lint = buf(['lint']);
    expect(lint.stdout + lint.stderr).toBe('');
    const gen = buf(['generate', '--template', 'buf.gen.yaml', '-o', out]);
    expect(gen.stderr).toBe('');
    expect(gen.status).toBe(0);
    const finish = spawnSync(process.execPath, ['proto/finish-generated.mjs', join(out, GEN)], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(finish.stderr).toBe('');

    const fresh = join(out, GEN);
    const committed = join(ROOT, GEN);
    const files = await tsFiles(fresh);
    expect(files).toEqual(await tsFiles(committed));
    expect(files).toContain(join('markets', 'v1', 'ssi_ps_pb.ts'));
    for (const f of files) {
      expect(await readFile(join(fresh, f), 'utf8'), `${GEN}/${f} is stale: run npm run proto`).toBe(
        await readFile(join(committed, f), 'utf8'),
      );
    }
  }, 60_000);
});
