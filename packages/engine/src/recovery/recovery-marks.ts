/**
 * The synthetic trade ids reconciliation gives the fills it adopts positions with, `RECON-<venue>-<n>`:
 * a trade id is unique per venue and the portfolio drops a fill whose id it has seen, so `n` must never
 * repeat, across restarts included. The node notes every trade id it replays from the journal here.
 */
export class RecoveryMarks {
  private readonly last = new Map<string, number>();

  /** Remembers a trade id of `venue` (ids not made here are ignored). */
  noteTradeId(venue: string, tradeId: string): void {
    const prefix = syntheticPrefix(venue);
    if (!tradeId.startsWith(prefix)) return;
    const digits = tradeId.slice(prefix.length);
    if (!/^[0-9]{1,15}$/.test(digits)) return;
    const n = Number(digits);
    if (n > (this.last.get(venue) ?? 0)) this.last.set(venue, n);
  }

  /** A synthetic id never issued or noted before. */
  nextSyntheticId(venue: string): string {
    const n = (this.last.get(venue) ?? 0) + 1;
    this.last.set(venue, n);
    return `${syntheticPrefix(venue)}${n}`;
  }
}

function syntheticPrefix(venue: string): string {
  return `RECON-${venue}-`;
}
