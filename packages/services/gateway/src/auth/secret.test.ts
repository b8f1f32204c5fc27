import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from './secret.js';

describe('Secret', () => {
  it('prints [redacted] through JSON, strings and inspect, and gives the value only to reveal()', () => {
    const s = new Secret('hunter2-hunter2');
    const holder = { token: s, nested: { list: [s] } };
    for (const shown of [
      JSON.stringify(holder),
      `${String(s)}`,
      inspect(holder, { depth: 10 }),
      inspect(s, { showHidden: true }),
    ]) {
      expect(shown).not.toContain('hunter2');
      expect(shown).toContain('[redacted]');
    }
    expect(s.reveal()).toBe('hunter2-hunter2');
    expect(Object.keys(s)).toEqual([]);
  });
});
