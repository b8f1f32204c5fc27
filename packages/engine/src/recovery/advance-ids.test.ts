import { describe, expect, it } from 'vitest';
import { IdGenerator } from '../ids/id-generator.js';
import { advanceIdsTo, idCounter, idPrefix } from './advance-ids.js';
import { RecoveryMarks } from './recovery-marks.js';

describe('advanceIdsTo', () => {
  it('moves a generator so that its next id is the one after the last journaled', () => {
    const ids = new IdGenerator('Q-lq2k');
    advanceIdsTo(ids, 'Q-lq2k', 75, 'journal');
    expect(ids.id()).toBe(`Q-lq2k-${(76).toString(36)}`);
  });

  it('leaves a generator already past the id, and one with nothing to pass, as they are', () => {
    const ids = new IdGenerator('N');
    for (let i = 0; i < 10; i++) ids.id();
    advanceIdsTo(ids, 'N', 3, 'journal');
    expect(ids.id()).toBe('N-b');
    const fresh = new IdGenerator('N');
    advanceIdsTo(fresh, 'N', -1, 'journal');
    expect(fresh.id()).toBe('N-0');
  });

  it('refuses a generator of another prefix, naming the field', () => {
    expect(() => advanceIdsTo(new IdGenerator('A'), 'B', 3, 'state.lastEventId')).toThrow(
      /state.lastEventId: the IdGenerator makes ids such as "A-0", not ids of prefix "B"/,
    );
  });

  it('reads counters and prefixes of generator ids only', () => {
    expect(idCounter('N-1z', 'N')).toBe(71);
    expect(idCounter('NX-1', 'N')).toBeUndefined();
    expect(idCounter('N-', 'N')).toBeUndefined();
    expect(idCounter('N-A!', 'N')).toBeUndefined();
    expect(idPrefix('Q-lq2k-1z')).toBe('Q-lq2k');
    expect(idPrefix('plain')).toBeUndefined();
  });
});

describe('RecoveryMarks', () => {
  it('issues synthetic trade ids past every one noted, per venue', () => {
    const marks = new RecoveryMarks();
    marks.noteTradeId('BINANCE', 'RECON-BINANCE-4');
    marks.noteTradeId('BINANCE', 'RECON-BINANCE-2');
    marks.noteTradeId('BINANCE', 'BINANCE-T99');
    marks.noteTradeId('BINANCE', 'RECON-BINANCE-x');
    expect(marks.nextSyntheticId('BINANCE')).toBe('RECON-BINANCE-5');
    expect(marks.nextSyntheticId('BINANCE')).toBe('RECON-BINANCE-6');
    expect(marks.nextSyntheticId('BYBIT')).toBe('RECON-BYBIT-1');
  });
});
