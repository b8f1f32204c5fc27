import { IdGenerator, SimulatedVenue, TestClock, type SimulatedVenueConfig } from '@qubit/engine';
import {
  decodeEnvelope,
  type DecodeContext,
  type Envelope,
  type Instrument,
  type QuoteTick,
  type OrderEvent,
  type TradingCommand,
  type UnixNanos,
} from '@qubit/model';
import type { VenueSnapshot } from './venue-snapshot.js';
import { VenueTruth, type VenueAccountSetup } from './venue-truth.js';

export interface VenueStateOptions {
  readonly venue: string;
  /** Names this venue's history; part of every event id, so ids never repeat across data directories. */
  readonly incarnation: string;
  readonly instruments: readonly Instrument[];
  readonly accounts: readonly VenueAccountSetup[];
  readonly config?: Partial<SimulatedVenueConfig>;
}

/** What the venue does with a command it receives. */
export type CommandVerdict =
  /** New: record it, then apply it. */
  | 'apply'
  /** A SubmitOrder whose ClientOrderId the venue already has: refused (409), counted, never applied. */
  | 'duplicate-order'
  /** Any other command whose commandId the venue already has (a client's retry): acknowledged, not applied again. */
  | 'duplicate-command';

/** An order report with its place in the venue's sequence of reports. */
export type ReportListener = (event: OrderEvent, seq: bigint) => void;

/**
 * The venue's state as a deterministic function of its inputs: the SimulatedVenue on a clock that moves
 * only when an input arrives, plus what the venue remembers about the commands it received.
 *
 * Time is the wall clock sampled once per input (a command, a quote, a timer check) and held while the
 * venue processes it, so every report of one input carries the same timestamp. Fed the same inputs at the
 * same times — which is what the log holds — it makes the same reports with the same ids, trade ids and
 * timestamps; that is how a restarted venue rebuilds itself exactly (see venue-sim.ts).
 */
export class VenueState {
  readonly clock: TestClock;
  readonly venue: SimulatedVenue;
  readonly truth: VenueTruth;
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** The sequence number of the last report made (0 before the first). */
  lastSeq = 0n;
  submits = 0;
  fills = 0;
  /** How many times the venue has started on this log. */
  starts = 0;
  readonly duplicateSubmits: string[] = [];
  private readonly receivedOrders = new Set<string>();
  private readonly receivedCommands = new Set<string>();
  private readonly lastQuotes = new Map<string, { quote: QuoteTick; envelope: Envelope }>();
  private listener: ReportListener | undefined;

  /** A venue as it starts on an empty log, or as it was when `snapshot` was taken. */
  constructor(options: VenueStateOptions, snapshot?: VenueSnapshot) {
    this.instruments = new Map(options.instruments.map((i) => [i.id as string, i]));
    const lookup = (id: string): Instrument | undefined => this.instruments.get(id);
    this.clock = new TestClock(snapshot?.venue.exportedAt ?? 0n);
    const venueOptions = {
      venue: options.venue,
      clock: this.clock,
      ids: new IdGenerator(`${options.venue}-${options.incarnation}`),
      instruments: lookup,
      ...(options.config !== undefined ? { config: options.config } : {}),
    };
    if (snapshot) {
      this.venue = SimulatedVenue.restore(venueOptions, snapshot.venue);
      this.lastSeq = snapshot.lastSeq;
      this.submits = snapshot.submits;
      this.fills = snapshot.fills;
      this.starts = snapshot.starts;
      this.duplicateSubmits.push(...snapshot.duplicateSubmits);
      for (const id of snapshot.receivedOrders) this.receivedOrders.add(id);
      for (const id of snapshot.receivedCommands) this.receivedCommands.add(id);
      const ctx: DecodeContext = { instruments: lookup };
      for (const envelope of snapshot.lastQuotes) {
        const quote = decodeEnvelope<QuoteTick>(envelope, ctx).message;
        this.lastQuotes.set(quote.instrumentId, { quote, envelope });
      }
    } else {
      this.venue = new SimulatedVenue({
        ...venueOptions,
        accounts: Object.fromEntries(options.accounts.map((a) => [a.accountId, a.balances])),
      });
    }
    this.truth = new VenueTruth(this.venue, options.accounts);
    this.venue.connect((event) => {
      this.lastSeq++;
      if (event.type === 'OrderFilled') this.fills++;
      this.listener?.(event, this.lastSeq);
    });
  }

  /** Where reports go (the log and the stream live; the replay check on start). */
  onReport(listener: ReportListener): void {
    this.listener = listener;
  }

  /** Whether a SubmitOrder with this ClientOrderId ever reached the venue. */
  wasReceived(clientOrderId: string): boolean {
    return this.receivedOrders.has(clientOrderId);
  }

  get distinctClientOrderIds(): number {
    return this.receivedOrders.size;
  }

  /** The last quote of an instrument the venue processed. */
  lastQuote(instrumentId: string): QuoteTick | undefined {
    return this.lastQuotes.get(instrumentId)?.quote;
  }

  /** Everything needed to continue from here; `logBytes` is where the log stands (all of it covered). */
  snapshot(incarnation: string, logBytes: number): VenueSnapshot {
    return {
      incarnation,
      logBytes,
      takenAt: this.clock.now(),
      venue: this.venue.exportState(),
      lastSeq: this.lastSeq,
      submits: this.submits,
      fills: this.fills,
      starts: this.starts,
      duplicateSubmits: [...this.duplicateSubmits],
      receivedOrders: [...this.receivedOrders],
      receivedCommands: [...this.receivedCommands],
      lastQuotes: [...this.lastQuotes.values()].map((q) => q.envelope),
    };
  }

  /** Moves venue time to `at` (never back), firing the expiry timers due on the way. Returns the time. */
  advance(at: UnixNanos): UnixNanos {
    const now = this.clock.now();
    this.clock.advanceTo(at > now ? at : now);
    return this.clock.now();
  }

  /** What the venue would do with `command`; changes nothing. */
  verdict(command: TradingCommand): CommandVerdict {
    if (command.type === 'SubmitOrder') {
      return this.receivedOrders.has(command.clientOrderId) ? 'duplicate-order' : 'apply';
    }
    return this.receivedCommands.has(command.commandId) ? 'duplicate-command' : 'apply';
  }

  /** Counts a refused duplicate SubmitOrder. */
  recordDuplicate(clientOrderId: string): void {
    this.submits++;
    this.duplicateSubmits.push(clientOrderId);
  }

  /**
   * Records and applies a command whose verdict is 'apply', at the current venue time. A matching engine
   * that throws is reported to the caller; the command stays received, exactly as on a replay.
   */
  apply(command: TradingCommand): void {
    this.receivedCommands.add(command.commandId);
    switch (command.type) {
      case 'SubmitOrder':
        this.submits++;
        this.receivedOrders.add(command.clientOrderId);
        return this.venue.submitOrder(command);
      case 'ModifyOrder':
        return this.venue.modifyOrder(command);
      case 'CancelOrder':
        return this.venue.cancelOrder(command);
      case 'CancelAllOrders':
        return this.venue.cancelAllOrders(command);
    }
  }

  /** Matches the venue's orders against a quote (given with its envelope), at the current venue time. */
  quote(quote: QuoteTick, envelope: Envelope): void {
    this.lastQuotes.set(quote.instrumentId, { quote, envelope });
    this.venue.processQuote(quote);
  }
}
