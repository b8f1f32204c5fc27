import { NANOS_PER_MINUTE, NANOS_PER_SECOND } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { inferBarStep, stepOf } from './bar-interval.js';

const minutes = (...m: number[]): bigint[] => m.map((x) => BigInt(x) * NANOS_PER_MINUTE);

describe('inferBarStep', () => {
  it('takes the most common gap, so session breaks do not count', () => {
    expect(inferBarStep(minutes(0, 5, 10, 15, 20, 200, 205, 210))).toEqual({
      step: 5,
      aggregation: 'MINUTE',
    });
  });

  it('takes daily bars with weekend gaps as one day', () => {
    const day = 24 * 60;
    expect(inferBarStep(minutes(0, day, 2 * day, 3 * day, 4 * day, 7 * day, 8 * day))).toEqual({
      step: 1,
      aggregation: 'DAY',
    });
  });

  it('rounds gaps to the second, as funding stamps wander by milliseconds', () => {
    const h8 = 8n * 60n * NANOS_PER_MINUTE;
    const ms = 1_000_000n;
    expect(inferBarStep([17n * ms, h8 + 7n * ms, 2n * h8 + 14n * ms])).toEqual({
      step: 8,
      aggregation: 'HOUR',
    });
  });

  it('gives ties to the shorter gap and nothing for fewer than two times', () => {
    expect(inferBarStep(minutes(0, 1, 16))).toEqual({ step: 1, aggregation: 'MINUTE' });
    expect(inferBarStep(minutes(0))).toBeUndefined();
    expect(inferBarStep(minutes(3, 3))).toBeUndefined();
  });

  it('names a gap in the largest unit that divides it', () => {
    expect(stepOf(86_400n * 7n)).toEqual({ step: 7, aggregation: 'DAY' });
    expect(stepOf(7_200n)).toEqual({ step: 2, aggregation: 'HOUR' });
    expect(stepOf(90n)).toEqual({ step: 90, aggregation: 'SECOND' });
    expect(inferBarStep([0n, 15n * NANOS_PER_SECOND, 30n * NANOS_PER_SECOND])).toEqual({
      step: 15,
      aggregation: 'SECOND',
    });
  });
});
