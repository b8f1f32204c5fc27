import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, ROLES, type QubitConfig } from './config-schema.js';

/** A configuration that cannot be used; the message names the key and where its value came from. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** --config; else ./qubit.config.yaml when it exists (optional), else defaults only. */
  readonly file?: string;
  /** The environment (process.env in the app, a plain object in tests). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Command-line flags, already in config key form (`{ port: 9090 }`); they win over everything. */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly cwd?: string;
}

export interface LoadedConfig {
  readonly config: QubitConfig;
  /** Where each top-level value came from: default, the file, QUBIT_*, or a flag. */
  readonly sources: Readonly<Record<string, string>>;
  readonly file: string | undefined;
}

type Kind = 'string' | 'int' | 'bool' | 'list';

/** The QUBIT_* variables and the key each sets. Nested keys use a double underscore in the generic form. */
const ENV: readonly (readonly [string, string, Kind])[] = [
  ['QUBIT_HOST', 'host', 'string'],
  ['QUBIT_PORT', 'port', 'int'],
  ['QUBIT_DATA_DIR', 'data_dir', 'string'],
  ['QUBIT_DATABASE_URL', 'database_url', 'string'],
  ['QUBIT_OFFLINE', 'offline', 'bool'],
  ['QUBIT_ROLES', 'roles', 'list'],
  ['QUBIT_ADMIN_PASSWORD', 'admin_password', 'string'],
  ['QUBIT_SECRET_KEY', 'secret_key', 'string'],
  ['QUBIT_SECRET_KEY_FILE', 'secret_key_file', 'string'],
  ['QUBIT_MARKETDATA__PAPER_WAIT_MS', 'marketdata.paper_wait_ms', 'int'],
  ['QUBIT_MARKETDATA__INSTRUMENTS', 'marketdata.instruments', 'list'],
  ['QUBIT_MARKETDATA__TIMEFRAMES', 'marketdata.timeframes', 'list'],
  ['QUBIT_MARKETDATA__SYNTHETIC_SEED', 'marketdata.synthetic_seed', 'int'],
  ['QUBIT_BACKUPS__ENABLED', 'backups.enabled', 'bool'],
  ['QUBIT_BACKUPS__AT', 'backups.at', 'string'],
  ['QUBIT_BACKUPS__DIR', 'backups.dir', 'string'],
  ['QUBIT_LOG__LEVEL', 'log.level', 'string'],
  ['QUBIT_LOG__FORMAT', 'log.format', 'string'],
];
const KNOWN_ENV = new Set(ENV.map(([name]) => name));
// Variables that belong to tests and tools, not to the platform's configuration.
const OTHER_QUBIT_VARS = /^QUBIT_(TEST_|REQUIRE_SERVICES|SHARED_DATA)/;

/**
 * The configuration of one process: defaults, then qubit.config.yaml, then QUBIT_* variables, then flags,
 * validated once. Every problem is reported at once, each naming its key and its source
 * (`qubit.config.yaml:7: marketdata.paper_wait_ms: …`, `QUBIT_PORT: …`), and nothing starts.
 */
export function loadConfig(o: LoadConfigOptions): LoadedConfig {
  const cwd = o.cwd ?? process.cwd();
  const problems: string[] = [];
  const sources: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  const origin = new Map<string, string>();

  let file: string | undefined;
  if (o.file !== undefined) {
    file = resolve(cwd, o.file);
    if (!existsSync(file)) throw new ConfigError([`--config: ${file} does not exist`]);
  } else if (existsSync(resolve(cwd, 'qubit.config.yaml'))) {
    file = resolve(cwd, 'qubit.config.yaml');
  }
  const lineOf = new Map<string, number>();
  if (file) {
    const text = readFileSync(file, 'utf8');
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const line = e.linePos?.[0].line ?? text.slice(0, e.pos[0]).split('\n').length;
          return `${file}:${line}: ${e.message.split('\n')[0]}`;
        }),
      );
    }
    const value = doc.toJS() as unknown;
    if (value !== null && value !== undefined) {
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new ConfigError([`${file}: expected a mapping of settings at the top level`]);
      }
      collectLines(doc.contents, text, '', lineOf);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        raw[k] = v;
        sources[k] = file;
      }
      markOrigins(value as Record<string, unknown>, '', file, origin, lineOf);
    }
  }

  for (const [name, value] of Object.entries(o.env)) {
    if (
      value === undefined ||
      !name.startsWith('QUBIT_') ||
      KNOWN_ENV.has(name) ||
      OTHER_QUBIT_VARS.test(name)
    )
      continue;
    problems.push(`${name}: not a Qubit setting (known: ${[...KNOWN_ENV].join(', ')})`);
  }
  for (const [name, key, kind] of ENV) {
    const text = o.env[name];
    if (text === undefined || text === '') continue;
    const parsed = fromEnv(text, kind);
    if (parsed.error) {
      problems.push(`${name}: ${parsed.error}, got "${text}"`);
      continue;
    }
    setPath(raw, key, parsed.value);
    origin.set(key, name);
    sources[key.split('.')[0]!] = name;
  }
  for (const [key, value] of Object.entries(o.flags ?? {})) {
    if (value === undefined) continue;
    setPath(raw, key, value);
    origin.set(key, `--${key.replaceAll('_', '-')}`);
    sources[key.split('.')[0]!] = 'flag';
  }

  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const keys =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => [...issue.path.map(String), k].join('.'))
          : [issue.path.map(String).join('.')];
      for (const key of keys) {
        const where = whereOf(key, origin);
        const what = issue.code === 'unrecognized_keys' ? 'not a Qubit setting' : humanize(issue);
        problems.push(`${where ? `${where}: ` : ''}${key || '(top level)'}: ${what}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = result.data!;
  if (config.secret_key && config.secret_key_file) {
    throw new ConfigError(['secret_key and secret_key_file: give one of them, not both']);
  }
  for (const k of Object.keys(ConfigSchema.shape)) sources[k] ??= 'default';
  return { config, sources, file };
}

function humanize(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'invalid_value' && 'values' in issue)
    return `expected one of ${(issue.values as unknown[]).join(', ')}`;
  return issue.message;
}

function whereOf(key: string, origin: ReadonlyMap<string, string>): string | undefined {
  // The most specific origin known: the key itself, else the nearest parent that was set as a whole.
  for (let k = key; k; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') {
    const o = origin.get(k);
    if (o) return o;
  }
  return undefined;
}

function fromEnv(text: string, kind: Kind): { value?: unknown; error?: string } {
  switch (kind) {
    case 'string':
      return { value: text };
    case 'int':
      return /^-?\d+$/.test(text.trim()) ? { value: Number(text) } : { error: 'expected a whole number' };
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(text)) return { value: true };
      if (/^(0|false|no|off)$/i.test(text)) return { value: false };
      return { error: 'expected 1/0, true/false, yes/no or on/off' };
    case 'list':
      return {
        value: text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      };
  }
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let at = target;
  for (const p of parts.slice(0, -1)) {
    const next = at[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts.at(-1)!] = value;
}

function markOrigins(
  value: Record<string, unknown>,
  prefix: string,
  file: string,
  origin: Map<string, string>,
  lines: ReadonlyMap<string, number>,
): void {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const line = lines.get(key);
    origin.set(key, line ? `${file}:${line}` : file);
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      markOrigins(v as Record<string, unknown>, key, file, origin, lines);
  }
}

/** Line numbers of the file's keys, so that an error points at the line to fix. */
function collectLines(node: unknown, text: string, prefix: string, out: Map<string, number>): void {
  const items = (node as { items?: unknown[] } | null)?.items;
  if (!Array.isArray(items)) return;
  for (const item of items) {
    const pair = item as { key?: { value?: unknown; range?: [number, number, number] }; value?: unknown };
    if (!pair.key || pair.key.value === undefined) continue;
    const key = prefix ? `${prefix}.${String(pair.key.value)}` : String(pair.key.value);
    const offset = pair.key.range?.[0];
    if (offset !== undefined) out.set(key, text.slice(0, offset).split('\n').length);
    collectLines(pair.value, text, key, out);
  }
}

export { ROLES };
