import { ModelError, type Bot, type OrderIntent } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import {
  BotConfigError,
  configHash,
  configJsonSchema,
  defineBot,
  parseBotConfig,
  z,
  type BotDefinition,
} from './define-bot.js';

const configSchema = z
  .object({
    instrument: z.string().default('BTCUSDT.BINANCE').describe('Instrument to trade'),
    fast: z.number().int().min(1).default(10),
    slow: z.number().int().min(2).default(30),
    quantity: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a decimal string')
      .default('0.01'),
    mode: z.enum(['long', 'long_short']).default('long'),
  })
  .refine((c) => c.fast < c.slow, { message: 'fast must be smaller than slow', path: ['fast'] });

type Config = z.output<typeof configSchema>;

class NothingBot implements Bot<Config> {
  onTick(): OrderIntent[] {
    return [];
  }
}

function definition(
  overrides: Partial<BotDefinition<typeof configSchema>> = {},
): BotDefinition<typeof configSchema> {
  return {
    name: 'test-bot',
    version: '1.2.3',
    description: 'does nothing',
    configSchema,
    subscriptions: (c) => ({ instruments: [c.instrument], barTypes: [`${c.instrument}-1-MINUTE-LAST`] }),
    create: () => new NothingBot(),
    ...overrides,
  };
}

function errorOf(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error('expected a ModelError');
}

describe('defineBot', () => {
  it('returns the definition, frozen', () => {
    const d = defineBot(definition());
    expect(d.name).toBe('test-bot');
    expect(Object.isFrozen(d)).toBe(true);
    expect(d.subscriptions(parseBotConfig(d, {}))).toEqual({
      instruments: ['BTCUSDT.BINANCE'],
      barTypes: ['BTCUSDT.BINANCE-1-MINUTE-LAST'],
    });
  });

  it('accepts names of 1-64 of a-z, 0-9, _ - starting with a letter or digit', () => {
    for (const name of ['a', 'sma-cross', 'grid_2', '9lives', 'x'.repeat(64)]) {
      expect(defineBot(definition({ name })).name).toBe(name);
    }
  });

  it('refuses other names, naming bot.name', () => {
    for (const name of ['', 'SMA', 'sma cross', '-lead', '_lead', 'sma.cross', 'x'.repeat(65), 'émile']) {
      const e = errorOf(() => defineBot(definition({ name })));
      expect(e.field, name).toBe('bot.name');
    }
  });

  it('accepts semantic versions and refuses others, naming bot.version', () => {
    for (const version of ['0.0.1', '1.0.0', '10.20.30', '1.0.0-rc.1', '1.0.0+build.5']) {
      expect(defineBot(definition({ version })).version).toBe(version);
    }
    for (const version of ['', '1', '1.0', 'v1.0.0', '1.0.0.0', 'latest']) {
      expect(errorOf(() => defineBot(definition({ version }))).field, version).toBe('bot.version');
    }
  });

  it('refuses a definition without create or subscriptions', () => {
    const noCreate = { ...definition(), create: undefined } as unknown as BotDefinition;
    const noSubs = { ...definition(), subscriptions: 'BTC' } as unknown as BotDefinition;
    expect(errorOf(() => defineBot(noCreate)).field).toBe('bot');
    expect(errorOf(() => defineBot(noSubs)).field).toBe('bot');
  });
});

describe('parseBotConfig', () => {
  const d = defineBot(definition());

  it('fills every default from an empty, missing or null config', () => {
    const defaults = { instrument: 'BTCUSDT.BINANCE', fast: 10, slow: 30, quantity: '0.01', mode: 'long' };
    expect(parseBotConfig(d, {})).toEqual(defaults);
    expect(parseBotConfig(d, undefined)).toEqual(defaults);
    expect(parseBotConfig(d, null)).toEqual(defaults);
  });

  it('keeps the values given and fills the rest', () => {
    expect(parseBotConfig(d, { fast: 5, mode: 'long_short' })).toEqual({
      instrument: 'BTCUSDT.BINANCE',
      fast: 5,
      slow: 30,
      quantity: '0.01',
      mode: 'long_short',
    });
  });

  it('names every wrong key under config.', () => {
    let error: unknown;
    try {
      parseBotConfig(d, { fast: 0, slow: 'thirty', quantity: '-1', mode: 'both' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BotConfigError);
    expect(error).toBeInstanceOf(ModelError);
    const e = error as BotConfigError;
    expect(e.field).toBe('config');
    expect(e.botName).toBe('test-bot');
    expect(e.issues.map((i) => i.path).sort()).toEqual([
      'config.fast',
      'config.mode',
      'config.quantity',
      'config.slow',
    ]);
    for (const i of e.issues) expect(i.message.length).toBeGreaterThan(0);
    expect(e.message).toMatch(/^config: invalid config for test-bot: /);
    expect(e.message).toContain('config.quantity: must be a decimal string');
  });

  it('names the key a cross-field rule points at', () => {
    const e = errorOf(() => parseBotConfig(d, { fast: 30, slow: 10 })) as BotConfigError;
    expect(e.issues).toEqual([{ path: 'config.fast', message: 'fast must be smaller than slow' }]);
  });

  it('refuses a config that is not an object', () => {
    const e = errorOf(() => parseBotConfig(d, 'fast=5')) as BotConfigError;
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe('config');
  });

  it('names nested keys with dots and array indexes', () => {
    const nested = defineBot({
      ...definition(),
      name: 'nested',
      configSchema: z.object({ levels: z.array(z.object({ price: z.number().positive() })) }),
      subscriptions: () => ({ instruments: [] }),
      create: () => new NothingBot() as unknown as Bot<{ levels: { price: number }[] }>,
    });
    const e = errorOf(() =>
      parseBotConfig(nested, { levels: [{ price: 1 }, { price: -1 }] }),
    ) as BotConfigError;
    expect(e.issues.map((i) => i.path)).toEqual(['config.levels.1.price']);
  });

  it('refuses an unknown (misspelt) key, naming it', () => {
    const e = errorOf(() => parseBotConfig(d, { fsat: 5 })) as BotConfigError;
    expect(e.message).toContain('fsat');
  });
});

describe('configJsonSchema', () => {
  it('describes the config as a JSON object schema with types and defaults', () => {
    const schema = configJsonSchema(defineBot(definition()) as unknown as BotDefinition) as {
      type: string;
      properties: Record<
        string,
        { type?: string; default?: unknown; enum?: unknown[]; description?: string }
      >;
    };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).sort()).toEqual(['fast', 'instrument', 'mode', 'quantity', 'slow']);
    expect(schema.properties.fast).toMatchObject({ type: 'integer', default: 10, minimum: 1 });
    expect(schema.properties.instrument).toMatchObject({
      type: 'string',
      description: 'Instrument to trade',
    });
    expect(schema.properties.mode).toMatchObject({ enum: ['long', 'long_short'], default: 'long' });
  });
});

describe('configHash', () => {
  it('is 8 hex digits and the same for the same config whatever the key order', () => {
    const a = configHash({ fast: 5, slow: 20, nested: { x: 1, y: [1, 2] } });
    const b = configHash({ nested: { y: [1, 2], x: 1 }, slow: 20, fast: 5 });
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(a).toBe(b);
  });

  it('differs when a value differs, including array order and types', () => {
    const base = configHash({ fast: 5, slow: 20 });
    expect(configHash({ fast: 6, slow: 20 })).not.toBe(base);
    expect(configHash({ fast: '5', slow: 20 })).not.toBe(base);
    expect(configHash({ fast: 5, slow: 20, mode: 'long' })).not.toBe(base);
    expect(configHash({ list: [1, 2] })).not.toBe(configHash({ list: [2, 1] }));
  });

  it('ignores keys whose value is undefined', () => {
    expect(configHash({ fast: 5, slow: undefined })).toBe(configHash({ fast: 5 }));
  });

  it('hashes a parsed config the same as the raw one with its defaults written out', () => {
    const d = defineBot(definition());
    expect(configHash(parseBotConfig(d, { fast: 5 }))).toBe(
      configHash({ mode: 'long', quantity: '0.01', slow: 30, fast: 5, instrument: 'BTCUSDT.BINANCE' }),
    );
  });
});
