import { ModelError, type MarketData, type UnixNanos } from '@qubit/model';

/** The time a datum happened at, the key every stream is merged on. */
export function dataTime(d: MarketData): UnixNanos {
  return d.tsEvent;
}

/**
 * Checks that each stream is in time order (an error names the stream and the index) and merges them
 * into one, in time order. Ties keep the order the streams were added in, then their own order, so a merge
 * is stable and a backtest over the same inputs is the same every time.
 */
export function mergeStreams(
  streams: readonly (readonly MarketData[])[],
  names: readonly string[],
): readonly MarketData[] {
  streams.forEach((s, k) => {
    for (let i = 1; i < s.length; i++) {
      if (dataTime(s[i]!) < dataTime(s[i - 1]!)) {
        throw new ModelError(
          `${names[k] ?? `data[${k}]`}[${i}]`,
          `out of time order: ${s[i]!.tsEvent} comes after ${s[i - 1]!.tsEvent}`,
        );
      }
    }
  });
  // One stream is already merged; callers only read the result, so it needs no copy.
  if (streams.length === 1) return streams[0]!;
  const total = streams.reduce((n, s) => n + s.length, 0);
  const out = new Array<MarketData>(total);
  const pos = streams.map(() => 0);
  for (let n = 0; n < total; n++) {
    let best = -1;
    let bestTs = 0n;
    for (let k = 0; k < streams.length; k++) {
      const s = streams[k]!;
      const i = pos[k]!;
      if (i >= s.length) continue;
      const ts = dataTime(s[i]!);
      if (best < 0 || ts < bestTs) {
        best = k;
        bestTs = ts;
      }
    }
    out[n] = streams[best]![pos[best]!++]!;
  }
  return out;
}
