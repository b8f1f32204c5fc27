import type { Bar } from '../data/bar.js';
import type { QuoteTick } from '../data/quote-tick.js';
import type { TradeTick } from '../data/trade-tick.js';
import type { InstrumentId } from '../identifiers/instrument-id.js';
import type { Instrument } from '../instruments/instrument.js';
import type { Price } from '../numbers/price.js';
import type { UnixNanos } from '../time.js';

/** What a bot sees on each onTick: the datum that woke it and the latest prices of that instrument. */
export interface MarketSnapshot {
  readonly instrumentId: InstrumentId;
  readonly instrument: Instrument;
  readonly ts: UnixNanos;
  readonly trigger: 'bar' | 'trade' | 'quote';
  readonly bar?: Bar;
  readonly trade?: TradeTick;
  readonly quote?: QuoteTick;
  readonly last?: Price;
  readonly bid?: Price;
  readonly ask?: Price;
}
