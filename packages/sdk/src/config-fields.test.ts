import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  decimalTextField,
  directionModeField,
  instrumentField,
  quantityField,
  timeframeField,
} from './config-fields.js';

const schema = z.object({
  instrument: instrumentField('BTCUSDT-PERP.BINANCE'),
  timeframe: timeframeField('1-MINUTE', 'Bar step'),
  quantity: quantityField('0.01', 'Order size'),
  mode: directionModeField('long', 'Directions traded'),
  notional: decimalTextField('1000').optional(),
});

const messages = (raw: unknown): Record<string, string> => {
  const r = schema.safeParse(raw);
  return Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));
};

describe('shared config fields', () => {
  it('fill their defaults', () => {
    expect(schema.parse({})).toEqual({
      instrument: 'BTCUSDT-PERP.BINANCE',
      timeframe: '1-MINUTE',
      quantity: '0.01',
      mode: 'long',
    });
  });

  it('accept well-formed values', () => {
    const c = schema.parse({ timeframe: '4-HOUR', quantity: '2', mode: 'long_short', notional: '250.5' });
    expect(c).toMatchObject({ timeframe: '4-HOUR', quantity: '2', mode: 'long_short', notional: '250.5' });
  });

  it('reject malformed values with a message naming the expected shape', () => {
    expect(messages({ timeframe: '1m', quantity: '-1', mode: 'short', notional: '1e3' })).toEqual({
      timeframe: 'must look like 1-MINUTE, 5-MINUTE, 1-HOUR or 1-DAY',
      quantity: 'must be a positive decimal string such as "0.01"',
      mode: expect.stringContaining('long_short'),
      notional: 'must be a positive decimal string such as "1000"',
    });
  });

  it('carry their descriptions into the JSON schema of config forms', () => {
    const json = z.toJSONSchema(schema, { io: 'input' }) as {
      properties: Record<string, { description?: string }>;
    };
    expect(json.properties.instrument?.description).toBe('Instrument to trade, SYMBOL.VENUE');
    expect(json.properties.timeframe?.description).toBe('Bar step');
    expect(json.properties.quantity?.description).toBe('Order size');
    expect(json.properties.mode?.description).toBe('Directions traded');
  });
});
