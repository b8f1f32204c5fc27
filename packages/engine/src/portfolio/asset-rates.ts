import { Decimal, InstrumentKind, type Instrument } from '@qubit/model';
import type { Cache } from '../cache/cache.js';

/** The mark of an instrument, or undefined when none is known. */
export type MarkSource = (instrument: Instrument) => Decimal | undefined;

/**
 * The price of one asset in another: the mark of an instrument in the cache whose base is the asset
 * and whose quote is the target, spot instruments first (a perpetual's mark is the fallback).
 * Candidates are remembered per pair; the cache is scanned again only when a pair has none, so a
 * large instrument registry costs a scan per unknown pair, not per fill.
 */
export class AssetRates {
  private readonly candidates = new Map<string, Instrument[]>();

  constructor(private readonly cache: Cache) {}

  rate(from: string, to: string, mark: MarkSource): Decimal | undefined {
    if (from === to) return Decimal.ONE;
    const key = `${from}/${to}`;
    let list = this.candidates.get(key);
    if (!list || list.length === 0) {
      list = this.scan(from, to);
      this.candidates.set(key, list);
    }
    for (const i of list) {
      const m = mark(i);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  private scan(from: string, to: string): Instrument[] {
    const found = this.cache
      .instruments()
      .filter((i) => i.baseCurrency.code === from && i.quoteCurrency.code === to);
    // Stable sort: spot first, then the cache's order.
    return found.sort((a, b) => rank(a) - rank(b));
  }
}

function rank(i: Instrument): number {
  return i.kind === InstrumentKind.SPOT ? 0 : 1;
}
