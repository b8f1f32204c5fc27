import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { LiveClock, type SimulatedVenueConfig } from '@qubit/engine';
import {
  AccountId,
  AccountTypeValues,
  ClientOrderId,
  ModelError,
  Money,
  Price,
  Quantity,
  decodeEnvelope,
  encodeEnvelope,
  instrumentToSpec,
  type AccountType,
  type Envelope,
  type Instrument,
  type OrderEvent,
  type QuoteTick,
  type TradingCommand,
  type UnixNanos,
} from '@qubit/model';
import {
  COMMAND_TYPES,
  PROTOCOL_PREFIX,
  Routes,
  encodeBalances,
  encodeFills,
  encodeOpenOrders,
  encodeOrder,
  encodePositions,
  readSince,
  type HealthBody,
  type VenueSimStats,
} from '@qubit/venue-remote';
import { headerEntry, readHeader, type EventEntry } from './log-entry.js';
import { QuoteWalk } from './quote-walk.js';
import { StreamHub } from './stream-hub.js';
import { replayLog } from './venue-replay.js';
import { readSnapshot, writeSnapshot, type VenueSnapshot } from './venue-snapshot.js';
import { VenueState, type VenueStateOptions } from './venue-state.js';
import { VenueLog, type LogLine } from './venue-log.js';
import type { VenueAccountSetup } from './venue-truth.js';

export interface VenueSimAccount {
  readonly accountId: string;
  readonly accountType: AccountType;
  /** What the account starts with, one Money per currency. */
  readonly balances: readonly Money[];
}

export interface VenueSimMarket {
  /** Seed of the quote walk (default 1). */
  readonly seed?: number;
  /** Where each instrument's walk starts, by instrument id; every instrument needs one. */
  readonly startPrice: Readonly<Record<string, Price | string>>;
  /** Milliseconds between quotes (default 50). */
  readonly quoteIntervalMs?: number;
  /** Standard deviation of one step as a fraction of the price (default 0.0002). */
  readonly volatility?: number;
  /** The smallest size quoted per side, by instrument id (default 10,000 lots). */
  readonly quoteSize?: Readonly<Record<string, Quantity | string>>;
}

export interface VenueSimOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Where `venue.log.jsonl` lives; created when missing. */
  readonly dataDir: string;
  /** The venue's name, e.g. "BINANCE"; every instrument must be of it. */
  readonly venue: string;
  readonly instruments: readonly Instrument[];
  readonly accounts: readonly VenueSimAccount[];
  readonly market: VenueSimMarket;
  readonly config?: Partial<SimulatedVenueConfig>;
  /** Reports held for clients that resume after a disconnect (default 100,000). */
  readonly replayLimit?: number;
  /** Milliseconds between snapshots of the venue's state (default 10,000; 0: none, starts replay the whole log). */
  readonly snapshotIntervalMs?: number;
  /** Where warnings and errors go (default console.error). */
  readonly log?: (line: string) => void;
}

export interface RunningVenueSim {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  /** Stops the market, closes the stream and the HTTP server, and writes what is buffered. */
  close(): Promise<void>;
  stats(): VenueSimStats;
}

export const LOG_FILE = 'venue.log.jsonl';
const MAX_BODY_BYTES = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts `qubit venue sim`: a SimulatedVenue in its own process with its own synthetic market, its own
 * durable log, and the remote-venue protocol (docs/venue-sim.md).
 *
 * Durability: every command is written to the log before it is applied, and every report after it is made;
 * the batch is fsync'd before the HTTP 202 and before the report goes out on the stream. On start the log is
 * replayed through a fresh venue at the logged times (venue-replay.ts), which rebuilds the orders, fills,
 * positions, balances, received ClientOrderIds and every id counter exactly.
 */
export async function startVenueSim(options: VenueSimOptions): Promise<RunningVenueSim> {
  const o = resolveOptions(options);
  const sim = new VenueSim(o);
  try {
    await sim.listen(o.host, o.port);
  } catch (e) {
    await sim.close();
    throw e;
  }
  return {
    url: sim.url,
    port: sim.port,
    close: () => sim.close(),
    stats: () => sim.stats(),
  };
}

interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly venue: string;
  readonly instruments: readonly Instrument[];
  readonly accounts: readonly VenueAccountSetup[];
  readonly seed: number;
  readonly startPrices: ReadonlyMap<string, Price>;
  readonly quoteSizes: ReadonlyMap<string, Quantity>;
  readonly quoteIntervalMs: number;
  readonly volatility: number;
  readonly config: Partial<SimulatedVenueConfig> | undefined;
  readonly replayLimit: number;
  readonly snapshotIntervalMs: number;
  readonly log: (line: string) => void;
}

class VenueSim {
  private readonly o: ResolvedOptions;
  private readonly live = new LiveClock();
  private readonly startedAt: number;
  private readonly file: VenueLog;
  private readonly state: VenueState;
  private readonly hub: StreamHub;
  private readonly http: Server;
  private readonly walks = new Map<string, QuoteWalk>();
  private readonly incarnation: string;
  private readonly decodeCtx: { instruments: (id: string) => Instrument | undefined };
  /** The last quote of each instrument that is not in the log yet, in the order they were made. */
  private readonly unloggedQuotes = new Map<string, { at: UnixNanos; envelope: Envelope }>();
  /** The quote being matched, written to the log before its first report. */
  private current: { at: UnixNanos; envelope: Envelope; logged: boolean } | undefined;
  /** Reports written to the log and waiting for the fsync before they go out. */
  private outbox: { seq: bigint; accountId: string; envelope: Envelope }[] = [];
  private quoteTimer: ReturnType<typeof setInterval> | undefined;
  private quoteCount = 0;
  private commandsInFlight = 0;
  /** Commands and reports since the last snapshot: none, no new snapshot. */
  private changesSinceSnapshot = 0;
  private snapshotTimer: ReturnType<typeof setInterval> | undefined;
  private closing: Promise<void> | undefined;
  url = '';
  port = 0;

  constructor(o: ResolvedOptions) {
    this.o = o;
    this.startedAt = Date.now();
    mkdirSync(o.dataDir, { recursive: true });
    const path = join(o.dataDir, LOG_FILE);
    const { log, contents } = VenueLog.open(path);
    this.file = log;
    try {
      if (contents.droppedTail) o.log(`venue sim: ${contents.droppedTail}`);
      const first = contents.lines[0];
      let incarnation: string;
      if (first === undefined) {
        incarnation = randomBytes(4).toString('hex');
        this.file.append(
          headerEntry(o.venue, incarnation, this.live.now(), o.instruments.map(instrumentToSpec), o.accounts),
          true,
        );
        this.file.flush();
      } else {
        incarnation = this.checkHeader(path, first.value);
      }
      this.incarnation = incarnation;
      const instruments = new Map(o.instruments.map((inst) => [inst.id as string, inst]));
      this.decodeCtx = { instruments: (id) => instruments.get(id) };
      const stateOptions = {
        venue: o.venue,
        incarnation,
        instruments: o.instruments,
        accounts: o.accounts,
        ...(o.config !== undefined ? { config: o.config } : {}),
      };
      const { state, from } = this.restore(stateOptions, contents.lines);
      this.state = state;
      this.hub = new StreamHub({
        venue: o.venue,
        incarnation,
        lastSeq: () => this.state.lastSeq,
        replayLimit: o.replayLimit,
        warn: o.log,
      });
      // The reports the snapshot covers are not replayed, but resuming clients may still ask for them.
      for (const { offset, value } of contents.lines) {
        if (offset >= from) break;
        const e = value as Partial<EventEntry>;
        if (e.kind === 'event' && typeof e.seq === 'string' && e.envelope) {
          this.hub.report(BigInt(e.seq), e.envelope.key, e.envelope, false);
        }
      }
      const rest = contents.lines.filter((l) => l.offset >= from && l.offset > 0);
      const replay = replayLog(rest, this.state, {
        path,
        decode: this.decodeCtx,
        onLoggedReport: (seq, accountId, envelope) => this.hub.report(seq, accountId, envelope, false),
        warn: o.log,
      });
      for (const r of replay.unlogged) {
        const envelope = this.logReport(r.event, r.seq, r.at);
        this.hub.report(r.seq, r.event.accountId, envelope, false);
      }
      this.state.onReport((event, seq) => this.onLiveReport(event, seq));
      this.startWalks(this.state.starts);
      const at = this.state.advance(this.live.now());
      this.file.append({ kind: 'start', at: at.toString() }, true);
      this.state.starts++;
      this.file.flush();
      if (contents.lines.length > 1) {
        o.log(
          `venue sim: rebuilt from ${from > 0 ? 'the snapshot and ' : ''}${rest.length} log lines: ${this.state.submits} orders received, ` +
            `${this.state.fills} fills, last report ${this.state.lastSeq}` +
            (replay.unlogged.length > 0
              ? ` (${replay.unlogged.length} reports of the last command logged now)`
              : ''),
        );
      }
    } catch (e) {
      this.file.close();
      throw e;
    }
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://venue').pathname === Routes.stream)
        this.hub.upgrade(req, socket, head);
      else socket.destroy();
    });
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.http.on('error', (e) => this.o.log(`venue sim: HTTP server error: ${e.message}`));
    const address = this.http.address() as AddressInfo;
    this.port = address.port;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    this.quoteTimer = setInterval(() => this.tick(), this.o.quoteIntervalMs);
    if (this.o.snapshotIntervalMs > 0) {
      this.snapshotTimer = setInterval(() => this.takeSnapshot(), this.o.snapshotIntervalMs);
    }
  }

  stats(): VenueSimStats {
    return {
      submits: this.state.submits,
      distinctClientOrderIds: this.state.distinctClientOrderIds,
      duplicateSubmits: [...this.state.duplicateSubmits],
      fills: this.state.fills,
      uptimeMs: Date.now() - this.startedAt,
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.quoteTimer !== undefined) clearInterval(this.quoteTimer);
      const httpClosed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.http.closeIdleConnections();
      // Commands in flight finish (their reports are logged and sent) before the stream closes.
      for (let waited = 0; this.commandsInFlight > 0 && waited < 2000; waited += 10) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await this.hub.close();
      this.http.closeAllConnections();
      await httpClosed;
      if (this.snapshotTimer !== undefined) clearInterval(this.snapshotTimer);
      await this.file.commit().catch(() => {});
      // A last snapshot makes the next start quick.
      if (this.o.snapshotIntervalMs > 0) this.takeSnapshot();
      this.file.close();
    })();
    return this.closing;
  }

  // ---- snapshots -------------------------------------------------------------------------------

  /**
   * The state the log starts from: the snapshot when there is one that belongs to this log (its
   * incarnation, and an offset on a line boundary within the file), else an empty venue. A snapshot that
   * cannot be used is ignored with a warning: the whole log is replayed instead.
   */
  private restore(
    options: VenueStateOptions,
    lines: readonly LogLine[],
  ): { state: VenueState; from: number } {
    if (lines.length === 0) return { state: new VenueState(options), from: 0 };
    let snapshot: VenueSnapshot | undefined;
    try {
      snapshot = readSnapshot(this.o.dataDir, this.decodeCtx);
      if (!snapshot) return { state: new VenueState(options), from: 0 };
      if (snapshot.incarnation !== options.incarnation) {
        throw new Error(
          `it belongs to incarnation ${snapshot.incarnation}, the log to ${options.incarnation}`,
        );
      }
      const bytes = snapshot.logBytes;
      if (bytes !== this.file.size && !lines.some((l) => l.offset === bytes)) {
        throw new Error(
          `it covers the log up to byte ${bytes}, which is not a line boundary of the ${this.file.size}-byte log`,
        );
      }
      return { state: new VenueState(options, snapshot), from: bytes };
    } catch (e) {
      this.o.log(
        `venue sim: ignoring the snapshot in ${this.o.dataDir} (${(e as Error).message}); replaying the whole log`,
      );
      return { state: new VenueState(options), from: 0 };
    }
  }

  /** Writes a snapshot when something happened since the last one; never throws (the log is the truth). */
  private takeSnapshot(): void {
    if (this.file.broken || this.changesSinceSnapshot === 0) return;
    try {
      // Logged first so that the snapshot's books are the ones a replay of the log after it starts from.
      this.logQuotesBefore();
      this.file.sync();
      writeSnapshot(this.o.dataDir, this.state.snapshot(this.incarnation, this.file.size));
      this.changesSinceSnapshot = 0;
    } catch (e) {
      this.o.log(`venue sim: the snapshot failed: ${(e as Error).message}`);
    }
  }

  // ---- the market ------------------------------------------------------------------------------

  private startWalks(starts: number): void {
    let i = 0;
    for (const instrument of this.o.instruments) {
      const walk = new QuoteWalk({
        instrument,
        startPrice: this.o.startPrices.get(instrument.id)!,
        volatility: this.o.volatility,
        size: this.o.quoteSizes.get(instrument.id)!,
        // A restarted venue walks on rather than repeating the path it took before.
        seed: (this.o.seed + Math.imul(starts + 1, 0x9e3779b1) + Math.imul(++i, 0x85ebca6b)) >>> 0,
      });
      const last = this.state.lastQuote(instrument.id);
      if (last) walk.resumeFrom(last);
      this.walks.set(instrument.id, walk);
    }
  }

  private tick(): void {
    if (this.closing || this.file.broken) return;
    try {
      const at = this.state.advance(this.live.now());
      for (const [id, walk] of this.walks) {
        const quote = walk.next(at);
        const envelope = this.quoteEnvelope(quote);
        this.current = { at, envelope, logged: false };
        try {
          this.state.quote(quote, envelope);
        } finally {
          // A quote that made no report is logged only if a later command needs it (see logQuotesBefore).
          if (this.current.logged) this.unloggedQuotes.delete(id);
          else {
            this.unloggedQuotes.delete(id);
            this.unloggedQuotes.set(id, { at, envelope });
          }
          this.current = undefined;
        }
        this.hub.market(envelope);
      }
    } catch (e) {
      this.o.log(`venue sim: the market tick failed: ${(e as Error).stack ?? String(e)}`);
    }
    // release() never rejects: a log failure is logged there and leaves the venue refusing commands.
    void this.release();
  }

  private quoteEnvelope(quote: QuoteTick): Envelope {
    return encodeEnvelope(quote, {
      id: `${this.o.venue}-${this.incarnation}-S${this.state.starts}-Q${++this.quoteCount}`,
      key: quote.instrumentId,
    });
  }

  /**
   * Writes the last unlogged quote of each instrument before a command. Between two reports the matching
   * state of an instrument depends only on its last quote (each quote replaces the book), so these quotes
   * plus the ones that made reports are all a replay needs to make the same fills.
   */
  private logQuotesBefore(): void {
    for (const q of this.unloggedQuotes.values()) {
      this.file.append({ kind: 'quote', at: q.at.toString(), envelope: q.envelope }, false);
    }
    this.unloggedQuotes.clear();
  }

  // ---- reports ---------------------------------------------------------------------------------

  private onLiveReport(event: OrderEvent, seq: bigint): void {
    this.changesSinceSnapshot++;
    const cur = this.current;
    if (cur && !cur.logged) {
      this.file.append({ kind: 'quote', at: cur.at.toString(), envelope: cur.envelope }, false);
      cur.logged = true;
    }
    const envelope = this.logReport(event, seq, this.state.clock.now());
    this.outbox.push({ seq, accountId: event.accountId, envelope });
  }

  private logReport(event: OrderEvent, seq: bigint, at: UnixNanos): Envelope {
    const envelope = encodeEnvelope(event, { id: event.eventId, key: event.accountId });
    const entry: EventEntry = { kind: 'event', seq: seq.toString(), at: at.toString(), envelope };
    this.file.append(entry, true);
    return envelope;
  }

  /** Sends the reports made so far once they are on disk. */
  private release(): Promise<void> {
    if (this.outbox.length === 0) return this.file.commit().catch(() => {});
    const batch = this.outbox;
    this.outbox = [];
    return this.file.commit().then(
      () => {
        for (const r of batch) this.hub.report(r.seq, r.accountId, r.envelope);
      },
      (e: Error) => this.o.log(`venue sim: ${e.message}; ${batch.length} reports were not sent`),
    );
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://venue');
      const path = url.pathname;
      if (!path.startsWith(`${PROTOCOL_PREFIX}/`)) throw new HttpError(404, `no route ${req.method} ${path}`);
      if (path === Routes.commands) {
        if (req.method !== 'POST') throw new HttpError(405, `${path} takes POST`);
        return await this.command(req, res);
      }
      if (req.method !== 'GET') throw new HttpError(405, `${path} takes GET`);
      if (path === Routes.health) return this.health(res);
      if (path === Routes.stats) return send(res, 200, this.stats());
      if (path === Routes.instruments) {
        return send(res, 200, { instruments: this.o.instruments.map(instrumentToSpec) });
      }
      const m = /^\/v1\/accounts\/([^/]+)\/(open-orders|orders\/([^/]+)|fills|positions|balances)$/.exec(
        path,
      );
      if (!m) throw new HttpError(404, `no route GET ${path}`);
      return await this.query(res, decodeURIComponent(m[1]!), m[2]!, m[3], url.searchParams);
    } catch (e) {
      this.fail(res, e);
    }
  }

  private health(res: ServerResponse): void {
    const body: HealthBody = {
      status: 'ok',
      venue: this.o.venue,
      incarnation: this.incarnation,
      last_seq: this.state.lastSeq.toString(),
    };
    if (this.file.broken) return send(res, 503, { error: this.file.broken.message });
    send(res, 200, body);
  }

  private async query(
    res: ServerResponse,
    account: string,
    what: string,
    clientOrderId: string | undefined,
    params: URLSearchParams,
  ): Promise<void> {
    const accountId = this.accountOf(account, 'accountId');
    const q = this.state.truth.queries;
    if (clientOrderId !== undefined) {
      const id = ClientOrderId(decodeURIComponent(clientOrderId), 'clientOrderId');
      const order = await q.fetchOrder(accountId, id);
      if (!order && this.state.wasReceived(id)) {
        // Not "never received": that answer lets reconciliation fail an order the venue did take.
        throw new HttpError(
          410,
          `order ${id} was received by ${this.o.venue} but is not one of the closed orders of ${accountId} it still remembers`,
        );
      }
      if (!order)
        throw new HttpError(404, `order ${id} of ${accountId} was never received by ${this.o.venue}`);
      return send(res, 200, encodeOrder(order));
    }
    switch (what) {
      case 'open-orders':
        return send(res, 200, encodeOpenOrders(await q.fetchOpenOrders(accountId)));
      case 'fills':
        return send(res, 200, encodeFills(await q.fetchFills(accountId, readSince(params.get('since')))));
      case 'positions':
        return send(res, 200, encodePositions(await q.fetchPositions(accountId)));
      default:
        return send(res, 200, encodeBalances(await q.fetchBalances(accountId)));
    }
  }

  private async command(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.commandsInFlight++;
    try {
      await this.applyCommand(req, res);
    } finally {
      this.commandsInFlight--;
    }
  }

  private async applyCommand(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    let raw: unknown;
    try {
      raw = JSON.parse(text) as unknown;
    } catch (e) {
      throw new HttpError(400, `envelope: is not valid JSON: ${(e as Error).message}`);
    }
    const command = decodeEnvelope<TradingCommand>(raw, this.decodeCtx).message;
    if (!COMMAND_TYPES.has(command.type)) {
      throw new HttpError(400, `type: ${command.type} is not a command (${[...COMMAND_TYPES].join(', ')})`);
    }
    if ('accountId' in command && command.accountId !== undefined) {
      this.accountOf(command.accountId, 'payload.account_id', 400);
    }
    this.requireWritable();
    if (this.closing) throw new HttpError(503, `${this.o.venue} is shutting down`);
    const verdict = this.state.verdict(command);
    if (verdict === 'duplicate-command') return send(res, 202, { accepted: true, duplicate: true });
    if (verdict === 'duplicate-order') {
      const id = (command as { clientOrderId: string }).clientOrderId;
      const at = this.state.advance(this.live.now());
      this.file.append(
        { kind: 'duplicate', at: at.toString(), client_order_id: id, command_id: command.commandId },
        true,
      );
      this.state.recordDuplicate(id);
      this.changesSinceSnapshot++;
      await this.release();
      this.requireWritable();
      throw new HttpError(
        409,
        `SubmitOrder ${id} was already received by ${this.o.venue}; it is not applied again`,
      );
    }
    this.logQuotesBefore();
    const at = this.state.advance(this.live.now());
    this.file.append({ kind: 'command', at: at.toString(), envelope: raw as Envelope }, true);
    this.changesSinceSnapshot++;
    let failure: Error | undefined;
    try {
      this.state.apply(command);
    } catch (e) {
      failure = e as Error;
    }
    await this.release();
    this.requireWritable();
    // Logged and applied as far as it went (a replay does the same): an internal error, not a bad body.
    if (failure)
      throw new Error(`${command.type} failed in the matching engine: ${failure.message}`, {
        cause: failure,
      });
    send(res, 202, { accepted: true });
  }

  /** Once the log cannot be written the venue refuses commands: it must not acknowledge what is not on disk. */
  private requireWritable(): void {
    const broken = this.file.broken;
    if (broken) throw new HttpError(503, broken.message);
  }

  private accountOf(account: string, field: string, status = 404): AccountId {
    const id = AccountId(account, field);
    if (!this.state.truth.hasAccount(id)) {
      const known = this.o.accounts.map((a) => a.accountId).join(', ');
      throw new HttpError(
        status,
        `${field}: account ${id} is not open at ${this.o.venue} (accounts: ${known})`,
      );
    }
    return id;
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (e instanceof HttpError) return send(res, e.status, { error: e.message });
    if (e instanceof ModelError) return send(res, 400, { error: e.message });
    if (e instanceof URIError) return send(res, 400, { error: `path: ${e.message}` });
    const err = e as Error;
    this.o.log(`venue sim: internal error: ${err.stack ?? String(err)}`);
    send(res, 500, { error: `internal error: ${err.message}` });
  }

  private checkHeader(path: string, value: unknown): string {
    let header: ReturnType<typeof readHeader>;
    try {
      header = readHeader(value);
    } catch (e) {
      throw new Error(`${path} line 1: ${(e as Error).message}`, { cause: e });
    }
    const mismatch = (what: string, logged: string, given: string): never => {
      throw new ModelError(
        what,
        `${path} was begun with ${logged}, but this start gives ${given}; start with the same ${what} or on a fresh data directory`,
      );
    };
    if (header.venue !== this.o.venue) mismatch('venue', header.venue, this.o.venue);
    const logged = JSON.stringify(header.instrumentSpecs);
    const given = JSON.stringify(this.o.instruments.map(instrumentToSpec));
    if (logged !== given) {
      mismatch(
        'instruments',
        header.instruments.map((i) => i.id).join(','),
        this.o.instruments.map((i) => i.id).join(','),
      );
    }
    const describe = (accounts: readonly VenueAccountSetup[]): string =>
      accounts
        .map((a) => `${a.accountId} (${a.accountType}: ${a.balances.map((b) => b.toString()).join(', ')})`)
        .join('; ');
    if (describe(header.accounts) !== describe(this.o.accounts)) {
      mismatch('accounts', describe(header.accounts), describe(this.o.accounts));
    }
    return header.incarnation;
  }
}

// ---- options -------------------------------------------------------------------------------------

function resolveOptions(options: VenueSimOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object')
    throw new ModelError('options', 'expected an options object');
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0)
    throw new ModelError('host', 'must be a host name or address');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ModelError('port', `must be an integer in 0..65535 (0 picks a free port), got ${String(port)}`);
  }
  if (typeof options.dataDir !== 'string' || options.dataDir.length === 0) {
    throw new ModelError('dataDir', 'must name the directory of the venue log');
  }
  const venue = options.venue;
  if (typeof venue !== 'string' || !/^[A-Z][A-Z0-9_]{0,31}$/.test(venue)) {
    throw new ModelError(
      'venue',
      `"${String(venue)}" is not a venue name (1-32 of A-Z, 0-9, _ starting with a letter)`,
    );
  }
  if (!Array.isArray(options.instruments) || options.instruments.length === 0) {
    throw new ModelError('instruments', 'at least one instrument is required');
  }
  const seen = new Set<string>();
  options.instruments.forEach((inst, i) => {
    if (inst.venue !== venue) {
      throw new ModelError(`instruments[${i}]`, `${inst.id} trades on ${inst.venue}, not on ${venue}`);
    }
    if (seen.has(inst.id)) throw new ModelError(`instruments[${i}]`, `${inst.id} is listed twice`);
    seen.add(inst.id);
  });
  if (!Array.isArray(options.accounts) || options.accounts.length === 0) {
    throw new ModelError('accounts', 'at least one account is required');
  }
  const accountIds = new Set<string>();
  const accounts = options.accounts.map((a, i): VenueAccountSetup => {
    const field = `accounts[${i}]`;
    const accountId = AccountId(a.accountId, `${field}.accountId`);
    if (accountIds.has(accountId)) throw new ModelError(`${field}.accountId`, `${accountId} is listed twice`);
    accountIds.add(accountId);
    if (!AccountTypeValues.includes(a.accountType)) {
      throw new ModelError(
        `${field}.accountType`,
        `"${String(a.accountType)}" is not one of ${AccountTypeValues.join(', ')}`,
      );
    }
    const balances: readonly Money[] = a.balances;
    if (!Array.isArray(balances)) throw new ModelError(`${field}.balances`, 'expected a list of Money');
    const currencies = new Set<string>();
    for (const [j, m] of balances.entries()) {
      if (!(m instanceof Money)) throw new ModelError(`${field}.balances[${j}]`, 'expected Money');
      if (currencies.has(m.currency.code)) {
        throw new ModelError(`${field}.balances[${j}]`, `${m.currency.code} is given twice`);
      }
      currencies.add(m.currency.code);
    }
    return { accountId, accountType: a.accountType, balances: [...a.balances] };
  });
  const market = options.market;
  if (market === null || typeof market !== 'object') {
    throw new ModelError('market', 'expected { seed, startPrice, quoteIntervalMs, volatility }');
  }
  const seed = market.seed ?? 1;
  if (!Number.isSafeInteger(seed))
    throw new ModelError('market.seed', `must be an integer, got ${String(seed)}`);
  const quoteIntervalMs = market.quoteIntervalMs ?? 50;
  if (!Number.isFinite(quoteIntervalMs) || quoteIntervalMs < 1) {
    throw new ModelError(
      'market.quoteIntervalMs',
      `must be at least 1 millisecond, got ${String(quoteIntervalMs)}`,
    );
  }
  const volatility = market.volatility ?? 0.0002;
  if (typeof volatility !== 'number' || !Number.isFinite(volatility) || volatility < 0 || volatility > 0.5) {
    throw new ModelError('market.volatility', `must be a fraction in [0, 0.5], got ${String(volatility)}`);
  }
  const startPrices = new Map<string, Price>();
  const quoteSizes = new Map<string, Quantity>();
  for (const inst of options.instruments) {
    const p = market.startPrice?.[inst.id];
    const field = `market.startPrice.${inst.id}`;
    if (p === undefined) throw new ModelError(field, `is required: where the walk of ${inst.id} starts`);
    const price = p instanceof Price ? p : Price.from(p, field);
    if (!price.isPositive()) throw new ModelError(field, `must be positive, got ${price.toString()}`);
    startPrices.set(inst.id, Price.from(price.roundToStep(inst.tickSize)).withPrecision(inst.pricePrecision));
    const s = market.quoteSize?.[inst.id];
    const sizeField = `market.quoteSize.${inst.id}`;
    let size =
      s === undefined
        ? Quantity.from(inst.lotSize.mulInt(10_000))
        : s instanceof Quantity
          ? s
          : Quantity.from(s, sizeField);
    if (s === undefined && inst.maxQuantity && size.gt(inst.maxQuantity)) size = inst.maxQuantity;
    if (!size.isPositive() || !size.isMultipleOf(inst.lotSize)) {
      throw new ModelError(
        sizeField,
        `must be a positive multiple of the lot size ${inst.lotSize.toString()}, got ${size.toString()}`,
      );
    }
    quoteSizes.set(inst.id, size);
  }
  const replayLimit = options.replayLimit ?? 100_000;
  if (!Number.isSafeInteger(replayLimit) || replayLimit < 1) {
    throw new ModelError('replayLimit', `must be a positive integer, got ${String(replayLimit)}`);
  }
  const snapshotIntervalMs = options.snapshotIntervalMs ?? 10_000;
  if (!Number.isSafeInteger(snapshotIntervalMs) || snapshotIntervalMs < 0) {
    throw new ModelError(
      'snapshotIntervalMs',
      `must be a non-negative integer (0: no snapshots), got ${String(snapshotIntervalMs)}`,
    );
  }
  const log = options.log ?? ((line: string) => console.error(line));
  return {
    host,
    port,
    dataDir: options.dataDir,
    venue,
    instruments: [...options.instruments],
    accounts,
    seed,
    startPrices,
    quoteSizes,
    quoteIntervalMs,
    volatility,
    config: options.config,
    replayLimit,
    snapshotIntervalMs,
    log,
  };
}

// ---- HTTP plumbing -------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
