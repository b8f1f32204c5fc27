import { BotConfigError, parseBotConfig } from '@qubit/sdk';
import { describe, expect, it } from 'vitest';
import { emaShort } from './ema-short.js';

describe('ema-short config', () => {
  it('names order_notional when it is not a decimal string, instead of failing inside a later check', () => {
    const e = (() => {
      try {
        parseBotConfig(emaShort, { order_notional: '1.x' });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(BotConfigError);
    expect((e as BotConfigError).issues.map((i) => i.path)).toEqual(['config.order_notional']);
  });
});
