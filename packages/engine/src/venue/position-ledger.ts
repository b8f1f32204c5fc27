import { Decimal, type AccountId, type InstrumentId } from '@qubit/model';

/** The venue-side net position of one account in one instrument, from the fills the venue made. */
export interface PositionEntry {
  readonly accountId: AccountId;
  readonly instrumentId: InstrumentId;
  /** Size units at `scale` decimals: positive long, negative short. */
  net: bigint;
  readonly scale: number;
}

/** A reported venue position: signed net quantity (long positive). */
export interface VenuePosition {
  readonly accountId: AccountId;
  readonly instrumentId: InstrumentId;
  readonly netQty: Decimal;
}

/**
 * Net positions per (account, instrument). Orders hold their entry, so a fill updates it without
 * a lookup; reduce-only orders read it to know what they may still reduce.
 */
export class PositionLedger {
  private readonly byAccount = new Map<string, Map<string, PositionEntry>>();

  entry(accountId: AccountId, instrumentId: InstrumentId, scale: number): PositionEntry {
    let perInstrument = this.byAccount.get(accountId);
    if (!perInstrument) {
      perInstrument = new Map();
      this.byAccount.set(accountId, perInstrument);
    }
    let e = perInstrument.get(instrumentId);
    if (!e) {
      e = { accountId, instrumentId, net: 0n, scale };
      perInstrument.set(instrumentId, e);
    }
    return e;
  }

  /** Open (non-flat) positions of an account, in the order the instruments were first traded. */
  positions(accountId: AccountId): VenuePosition[] {
    const out: VenuePosition[] = [];
    for (const e of this.byAccount.get(accountId)?.values() ?? []) {
      if (e.net !== 0n)
        out.push({ accountId, instrumentId: e.instrumentId, netQty: Decimal.of(e.net, e.scale) });
    }
    return out;
  }
}
