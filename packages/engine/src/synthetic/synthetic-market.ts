import {
  AggressorSide,
  ModelError,
  Price,
  Quantity,
  TradeId,
  type Instrument,
  type QuoteTick,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import { SeededRandom } from './seeded-random.js';

const NANOS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** How one instrument's synthetic market behaves. Defaults suit a liquid crypto pair. */
export interface SyntheticMarketConfig {
  readonly instrument: Instrument;
  /** Price at the start (snapped to the tick grid). */
  readonly startPrice: number;
  /** Long-run annualised volatility of log returns (0.6 = 60 %). Default 0.6. */
  readonly annualVolatility?: number;
  /** GARCH(1,1) reaction to the last minute's return. Default 0.1. */
  readonly garchAlpha?: number;
  /** GARCH(1,1) persistence of variance from minute to minute. Default 0.88 (alpha + beta < 1). */
  readonly garchBeta?: number;
  /** Expected price jumps per day. Default 4. */
  readonly jumpsPerDay?: number;
  /** Standard deviation of a jump's log size. Default 0.004 (0.4 %). */
  readonly jumpSigma?: number;
  /** Narrowest spread, in ticks. Default 1. */
  readonly minSpreadTicks?: number;
  /** How the spread widens with volatility: half-spread ≈ this × σ(1 s) × price. Default 0.5. */
  readonly spreadVolFactor?: number;
  /** Trades per second on an average hour at normal volatility. Default 2. */
  readonly tradesPerSecond?: number;
  /**
   * 24 weights, one per UTC hour, for the intraday volume profile (normalised to mean 1). Default: a
   * crypto day, quiet in the Asian night and busiest when New York and London overlap.
   */
  readonly hourlyVolumeProfile?: readonly number[];
  /** Median trade size in lots. Default 10. */
  readonly medianTradeLots?: number;
  /** Spread of trade sizes (σ of their log). Default 1. */
  readonly tradeSizeSigma?: number;
  /** Quote updates per second besides those after trades. Default 1. */
  readonly quotesPerSecond?: number;
  readonly seed?: number;
}

export const CRYPTO_HOURLY_PROFILE: readonly number[] = Object.freeze([
  0.9, 0.8, 0.7, 0.6, 0.6, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.3, 1.5, 1.6, 1.5, 1.3, 1.2, 1.1, 1.0,
  1.0, 1.0, 0.9,
]);

/**
 * A seeded market for offline use and demos: the mid price follows a log random walk whose variance is
 * GARCH(1,1) on one-minute returns (calm and stormy stretches cluster, for tens of minutes) with Poisson
 * jumps; trades arrive as a
 * Poisson process whose rate follows the hour's volume weight and rises with volatility; each trade
 * takes the bid or the ask; the spread widens with volatility; sizes are lognormal in whole lots.
 * The same config and seed give the same stream, event for event, whatever steps it is drawn in.
 *
 * The model is in floats (it is a generator, nothing is accounted in it); every price it emits is a
 * whole number of ticks and every size a whole number of lots, built exactly from integer units.
 */
export class SyntheticMarket {
  private readonly rnd: SeededRandom;
  private readonly instrumentId: Instrument['id'];
  private readonly pricePrecision: number;
  private readonly sizePrecision: number;
  private readonly tickUnits: bigint;
  private readonly lotUnits: bigint;
  private readonly tick: number;
  private readonly sigma2Bar: number;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly omega: number;
  private readonly jumpProbPerSecond: number;
  private readonly jumpSigma: number;
  private readonly minSpreadTicks: number;
  private readonly spreadVolFactor: number;
  private readonly tradesPerSecond: number;
  private readonly profile: readonly number[];
  private readonly medianLots: number;
  private readonly sizeSigma: number;
  private readonly quotesPerSecond: number;
  /** Mid in ticks (a float; snapped on output). */
  private midTicks: number;
  private variance: number;
  /** The second being generated, as whole seconds since the epoch. */
  private second: bigint | undefined;
  private tradeSeq = 0;
  /** Log mid at the start of the current minute, for the minute's return. */
  private minuteStartLog: number | undefined;

  constructor(config: SyntheticMarketConfig) {
    const c = config;
    const i = c.instrument;
    if (!i || typeof i !== 'object') throw new ModelError('synthetic.instrument', 'is required');
    const where = `synthetic.${i.id}`;
    const num = (
      v: number | undefined,
      dflt: number,
      name: string,
      ok: (x: number) => boolean,
      rule: string,
    ) => {
      const x = v ?? dflt;
      if (typeof x !== 'number' || !Number.isFinite(x) || !ok(x)) {
        throw new ModelError(`${where}.${name}`, `must be ${rule}, got ${String(v)}`);
      }
      return x;
    };
    this.instrumentId = i.id;
    this.pricePrecision = i.pricePrecision;
    this.sizePrecision = i.sizePrecision;
    this.tickUnits = i.tickSize.withPrecision(i.pricePrecision).units;
    this.lotUnits = i.lotSize.withPrecision(i.sizePrecision).units;
    this.tick = Number(i.tickSize.toString());
    const start = num(c.startPrice, NaN, 'startPrice', (x) => x > 0, 'a positive number');
    const vol = num(c.annualVolatility, 0.6, 'annualVolatility', (x) => x > 0 && x < 20, 'in (0, 20)');
    this.alpha = num(c.garchAlpha, 0.1, 'garchAlpha', (x) => x >= 0 && x < 1, 'in [0, 1)');
    this.beta = num(c.garchBeta, 0.88, 'garchBeta', (x) => x >= 0 && x < 1, 'in [0, 1)');
    if (this.alpha + this.beta >= 1) {
      throw new ModelError(
        `${where}.garchBeta`,
        `garchAlpha + garchBeta must be below 1 (stationary variance)`,
      );
    }
    // Per-minute variance: the GARCH recursion runs once a minute.
    this.sigma2Bar = (vol * vol * 60) / SECONDS_PER_YEAR;
    this.omega = this.sigma2Bar * (1 - this.alpha - this.beta);
    this.variance = this.sigma2Bar;
    const jumps = num(c.jumpsPerDay, 4, 'jumpsPerDay', (x) => x >= 0 && x <= 86_400, 'in [0, 86400]');
    this.jumpProbPerSecond = jumps / 86_400;
    this.jumpSigma = num(c.jumpSigma, 0.004, 'jumpSigma', (x) => x >= 0 && x < 1, 'in [0, 1)');
    this.minSpreadTicks = Math.round(
      num(c.minSpreadTicks, 1, 'minSpreadTicks', (x) => Number.isInteger(x) && x >= 1, 'a whole number ≥ 1'),
    );
    this.spreadVolFactor = num(c.spreadVolFactor, 0.5, 'spreadVolFactor', (x) => x >= 0, '≥ 0');
    this.tradesPerSecond = num(
      c.tradesPerSecond,
      2,
      'tradesPerSecond',
      (x) => x > 0 && x <= 10_000,
      'in (0, 10000]',
    );
    this.quotesPerSecond = num(
      c.quotesPerSecond,
      1,
      'quotesPerSecond',
      (x) => x >= 0 && x <= 10_000,
      'in [0, 10000]',
    );
    this.medianLots = num(c.medianTradeLots, 10, 'medianTradeLots', (x) => x >= 1, '≥ 1');
    this.sizeSigma = num(c.tradeSizeSigma, 1, 'tradeSizeSigma', (x) => x >= 0 && x <= 5, 'in [0, 5]');
    const profile = c.hourlyVolumeProfile ?? CRYPTO_HOURLY_PROFILE;
    if (
      !Array.isArray(profile) ||
      profile.length !== 24 ||
      profile.some((w) => !(w >= 0) || !Number.isFinite(w))
    ) {
      throw new ModelError(
        `${where}.hourlyVolumeProfile`,
        'must be 24 non-negative weights, one per UTC hour',
      );
    }
    const mean = profile.reduce((a: number, b: number) => a + b, 0) / 24;
    if (!(mean > 0)) throw new ModelError(`${where}.hourlyVolumeProfile`, 'must not be all zero');
    this.profile = profile.map((w: number) => w / mean);
    this.midTicks = start / this.tick;
    if (this.midTicks < 10 * this.minSpreadTicks) {
      throw new ModelError(`${where}.startPrice`, `${start} is too close to zero for a tick of ${this.tick}`);
    }
    this.rnd = new SeededRandom(num(c.seed, 1, 'seed', (x) => Number.isInteger(x), 'an integer'));
  }

  /** The current one-minute volatility of log returns (σ), for status displays and tests. */
  get minuteVolatility(): number {
    return Math.sqrt(this.variance);
  }

  /**
   * The quotes and trades of every whole second from the last one drawn (or the one holding `from`
   * on the first call) up to, not including, the second holding `until`, in time order.
   */
  advanceTo(until: UnixNanos, from?: UnixNanos): (QuoteTick | TradeTick)[] {
    const out: (QuoteTick | TradeTick)[] = [];
    const end = until / NANOS_PER_SECOND;
    this.second ??= (from ?? until) / NANOS_PER_SECOND;
    while (this.second < end) {
      this.generateSecond(this.second, out);
      this.second += 1n;
    }
    return out;
  }

  private generateSecond(second: bigint, out: (QuoteTick | TradeTick)[]): void {
    const t0 = second * NANOS_PER_SECOND;
    const hour = Number((second / 3600n) % 24n);
    if (second % 60n === 0n || this.minuteStartLog === undefined) {
      // A new minute: its variance from the last minute's return, GARCH(1,1).
      if (this.minuteStartLog !== undefined) {
        const r = Math.log(this.midTicks) - this.minuteStartLog;
        this.variance = this.omega + this.alpha * r * r + this.beta * this.variance;
      }
      this.minuteStartLog = Math.log(this.midTicks);
    }
    const sigma = Math.sqrt(this.variance / 60);
    const volRatio = Math.sqrt(this.variance / this.sigma2Bar);
    const tradeRate = this.tradesPerSecond * this.profile[hour]! * Math.min(4, Math.max(0.25, volRatio));
    // Events of this second: trades and quote refreshes at uniform instants (a Poisson process).
    const nTrades = this.poisson(tradeRate);
    const nQuotes = this.poisson(this.quotesPerSecond);
    const instants: { at: number; trade: boolean }[] = [];
    for (let k = 0; k < nTrades; k++) instants.push({ at: this.rnd.next(), trade: true });
    for (let k = 0; k < nQuotes; k++) instants.push({ at: this.rnd.next(), trade: false });
    instants.sort((a, b) => a.at - b.at);
    const n = instants.length;
    // The second's return is spread over its events, so the path between them is a random walk too.
    let logMid = Math.log(this.midTicks);

    const stepSigma = sigma / Math.sqrt(Math.max(1, n));
    const jumpAt =
      this.rnd.next() < this.jumpProbPerSecond ? Math.floor(this.rnd.next() * Math.max(1, n)) : -1;
    for (let k = 0; k < n; k++) {
      logMid += stepSigma * this.rnd.normal();
      if (k === jumpAt) logMid += this.jumpSigma * this.rnd.normal();
      this.midTicks = Math.exp(logMid);
      const ts = t0 + BigInt(Math.floor(instants[k]!.at * 1e9));
      const [bid, ask] = this.book(sigma);
      if (instants[k]!.trade) {
        const buyer = this.rnd.next() < 0.5;
        out.push(this.trade(buyer ? ask : bid, buyer, ts));
      }
      out.push(this.quote(bid, ask, ts));
    }
    if (n === 0) {
      logMid += sigma * this.rnd.normal();
      if (jumpAt === 0) logMid += this.jumpSigma * this.rnd.normal();
      this.midTicks = Math.exp(logMid);
    }
    // Keep the mid away from zero ticks: a generator must not produce a non-positive price.
    if (this.midTicks < 10 * this.minSpreadTicks) this.midTicks = 10 * this.minSpreadTicks;
  }

  /** Best bid and ask in ticks around the mid; the half-spread grows with σ (of one second). */
  private book(sigma: number): [bigint, bigint] {
    const half = Math.max(this.minSpreadTicks / 2, this.spreadVolFactor * sigma * this.midTicks);
    const bid = Math.max(1, Math.floor(this.midTicks - half));
    const ask = Math.max(bid + this.minSpreadTicks, Math.ceil(this.midTicks + half));
    return [BigInt(bid), BigInt(ask)];
  }

  private trade(priceTicks: bigint, buyer: boolean, ts: UnixNanos): TradeTick {
    this.tradeSeq++;
    return {
      type: 'TradeTick',
      instrumentId: this.instrumentId,
      price: Price.fromUnits(priceTicks * this.tickUnits, this.pricePrecision),
      size: this.size(),
      aggressorSide: buyer ? AggressorSide.BUYER : AggressorSide.SELLER,
      tradeId: TradeId(`SYN-${this.tradeSeq}`),
      tsEvent: ts,
      tsInit: ts,
    };
  }

  private quote(bid: bigint, ask: bigint, ts: UnixNanos): QuoteTick {
    return {
      type: 'QuoteTick',
      instrumentId: this.instrumentId,
      bidPrice: Price.fromUnits(bid * this.tickUnits, this.pricePrecision),
      askPrice: Price.fromUnits(ask * this.tickUnits, this.pricePrecision),
      bidSize: this.size(),
      askSize: this.size(),
      tsEvent: ts,
      tsInit: ts,
    };
  }

  /** A lognormal number of whole lots, at least one. */
  private size(): Quantity {
    const lots = Math.max(1, Math.round(this.medianLots * Math.exp(this.sizeSigma * this.rnd.normal())));
    return Quantity.fromUnits(BigInt(lots) * this.lotUnits, this.sizePrecision);
  }

  /** Knuth's method; rates here are small, and large ones fall back to a rounded normal. */
  private poisson(rate: number): number {
    if (rate > 50) return Math.max(0, Math.round(rate + Math.sqrt(rate) * this.rnd.normal()));
    const limit = Math.exp(-rate);
    let k = 0;
    let p = this.rnd.next();
    while (p > limit) {
      k++;
      p *= this.rnd.next();
    }
    return k;
  }
}
