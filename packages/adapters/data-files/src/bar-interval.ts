import { BarAggregation, NANOS_PER_SECOND, type UnixNanos } from '@qubit/model';

export interface BarStep {
  readonly step: number;
  readonly aggregation: BarAggregation;
}

/**
 * The bar length a series of open times shows: the most common gap between neighbours, to the nearest
 * second (funding-rate style stamps wander by milliseconds), in the largest unit that divides it.
 * Gaps at night, weekends and holidays are rarer than the regular one, so they do not win. Ties go to
 * the shorter gap. Undefined with fewer than two distinct times.
 */
export function inferBarStep(stamps: readonly UnixNanos[]): BarStep | undefined {
  const counts = new Map<bigint, number>();
  for (let i = 1; i < stamps.length; i++) {
    const gap = stamps[i]! - stamps[i - 1]!;
    if (gap <= 0n) continue;
    const seconds = (gap + NANOS_PER_SECOND / 2n) / NANOS_PER_SECOND;
    if (seconds === 0n) continue;
    counts.set(seconds, (counts.get(seconds) ?? 0) + 1);
  }
  let best: bigint | undefined;
  let bestCount = 0;
  for (const [seconds, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && seconds < best)) {
      best = seconds;
      bestCount = count;
    }
  }
  if (best === undefined) return undefined;
  return stepOf(best);
}

export function stepOf(seconds: bigint): BarStep {
  if (seconds % 86_400n === 0n) return { step: Number(seconds / 86_400n), aggregation: BarAggregation.DAY };
  if (seconds % 3_600n === 0n) return { step: Number(seconds / 3_600n), aggregation: BarAggregation.HOUR };
  if (seconds % 60n === 0n) return { step: Number(seconds / 60n), aggregation: BarAggregation.MINUTE };
  return { step: Number(seconds), aggregation: BarAggregation.SECOND };
}
