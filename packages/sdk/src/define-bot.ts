import { ModelError, type Bot } from '@qubit/model';
import { z } from 'zod';

/** Which data wakes a bot: instruments for ticks, bar series ("BTCUSDT.BINANCE-1-MINUTE-LAST") for closed bars. */
export interface BotSubscriptions {
  readonly instruments: readonly string[];
  readonly barTypes?: readonly string[];
}

/**
 * A strategy as the platform knows it: a name, a typed config schema with defaults, what data it needs
 * for a given config, and a factory for a fresh bot. The dashboard builds its config form from the schema.
 */
export interface BotDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly configSchema: S;
  subscriptions(config: z.output<S>): BotSubscriptions;
  create(config: z.output<S>): Bot<z.output<S>>;
}

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const VERSION_RE = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

export function defineBot<S extends z.ZodType>(definition: BotDefinition<S>): BotDefinition<S> {
  if (!NAME_RE.test(definition.name)) {
    throw new ModelError(
      'bot.name',
      `"${definition.name}" must be 1-64 of a-z, 0-9, _ - (it becomes the StrategyId)`,
    );
  }
  if (!VERSION_RE.test(definition.version)) {
    throw new ModelError('bot.version', `"${definition.version}" is not a semantic version such as 1.0.0`);
  }
  if (typeof definition.create !== 'function' || typeof definition.subscriptions !== 'function') {
    throw new ModelError('bot', 'a bot definition needs create(config) and subscriptions(config)');
  }
  return Object.freeze(definition);
}

/** Thrown when a bot config does not match its schema; `issues` lists every problem with its path. */
export class BotConfigError extends ModelError {
  constructor(
    readonly botName: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      'config',
      `invalid config for ${botName}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
}

/** Validates and fills defaults; every error names the key (e.g. `config.fast: Too small: expected number to be >=1`). */
export function parseBotConfig<S extends z.ZodType>(definition: BotDefinition<S>, raw: unknown): z.output<S> {
  // Unknown keys are errors: a misspelt key silently running with the default is how money gets lost.
  const schema =
    definition.configSchema instanceof z.ZodObject
      ? definition.configSchema.strict()
      : definition.configSchema;
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data as z.output<S>;
  throw new BotConfigError(
    definition.name,
    result.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => ({
            path: ['config', ...i.path.map(String), k].join('.'),
            message: 'unknown key',
          }))
        : [{ path: ['config', ...i.path.map(String)].join('.'), message: i.message }],
    ),
  );
}

/** The config schema as JSON Schema, for generated forms and docs. */
export function configJsonSchema(definition: BotDefinition): unknown {
  return z.toJSONSchema(definition.configSchema, { io: 'input', unrepresentable: 'any' });
}

/** Stable short hash of a config (for the `cfg` label and rollouts): FNV-1a over canonical JSON. */
export function configHash(config: unknown): string {
  const text = canonicalJson(config);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export { z };
