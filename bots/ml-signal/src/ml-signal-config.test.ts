import { BotConfigError, parseBotConfig } from '@qubit/sdk';
import { describe, expect, it } from 'vitest';
import { mlSignal } from './ml-signal.js';

describe('ml-signal config', () => {
  it('names quantity when it is not a decimal string, instead of failing inside a later check', () => {
    const e = (() => {
      try {
        parseBotConfig(mlSignal, { quantity: '1.x' });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(BotConfigError);
    expect((e as BotConfigError).issues.map((i) => i.path)).toEqual(['config.quantity']);
  });
});
