import { Topic, type Feed, type FeedStatus } from '@qubit/engine';
import type { Instrument, InstrumentId } from '@qubit/model';
import type { InstrumentsRepository } from '@qubit/store-postgres';
import {
  MarketDataPipeline,
  type AddInstrumentOptions,
  type MarketDataPipelineOptions,
} from './ingestion/market-data-pipeline.js';
import { marketSnapshot, type MarketSnapshot, type SnapshotOptions } from './market-snapshot.js';
import type { InstrumentEvent } from './registry/instrument-events.js';
import { InstrumentRegistry } from './registry/instrument-registry.js';

export interface MarketDataServiceOptions extends Omit<MarketDataPipelineOptions, 'log'> {
  readonly instruments: Pick<InstrumentsRepository, 'upsert' | 'get' | 'list' | 'setEnabled'>;
  /** The feed an instrument's data comes from (one per venue, typically). */
  readonly feedFor: (instrument: Instrument) => Feed;
  /** Features and other per-instrument ingestion settings. */
  readonly ingestion?: (instrument: Instrument) => AddInstrumentOptions;
  readonly log?: (line: string) => void;
}

/**
 * The market data role: the instrument registry, the feeds and the ingestion pipeline, wired through
 * the bus — registering an instrument publishes `instrument.registered`, and this service reacts to
 * that message (not to the call), so a registry in another process works the same way.
 */
export class MarketDataService {
  readonly registry: InstrumentRegistry;
  readonly pipeline: MarketDataPipeline;
  private readonly feeds = new Map<string, Feed>();
  private readonly feedOf = new Map<InstrumentId, Feed>();
  private readonly log: (line: string) => void;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: MarketDataServiceOptions) {
    this.log = o.log ?? (() => {});
    this.registry = new InstrumentRegistry({ instruments: o.instruments, bus: o.bus, clock: o.clock });
    this.pipeline = new MarketDataPipeline({ ...o, log: this.log });
  }

  async start(): Promise<Instrument[]> {
    this.unsubscribe = this.o.bus.subscribe<InstrumentEvent>(Topic.INSTRUMENT_REGISTERED, 'marketdata', (e) =>
      this.onInstrumentEvent(e),
    );
    this.pipeline.start();
    return this.registry.announceAll();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.pipeline.stop();
    for (const f of this.feeds.values()) await f.stop().catch(() => undefined);
  }

  snapshot(instrumentId: InstrumentId, options?: SnapshotOptions): MarketSnapshot {
    return marketSnapshot(this.pipeline, this.o.clock.now(), instrumentId, options);
  }

  feedStatuses(): FeedStatus[] {
    return [...this.feeds.values()].map((f) => f.status());
  }

  private onInstrumentEvent(e: InstrumentEvent): void {
    if (e.type === 'InstrumentRegistered') {
      const i = e.instrument;
      this.pipeline.addInstrument(i, this.o.ingestion?.(i));
      const feed = this.o.feedFor(i);
      if (!this.feeds.has(feed.name)) {
        this.feeds.set(feed.name, feed);
        feed.onData((d) => this.pipeline.ingest(d));
        feed
          .start()
          .catch((err: unknown) =>
            this.log(`marketdata: feed ${feed.name} failed to start: ${(err as Error).message}`),
          );
      }
      feed.subscribe({ instrument: i, trades: true, quotes: true });
      this.feedOf.set(i.id, feed);
      this.log(`marketdata: subscribed ${i.id} on ${feed.name}`);
    } else if (e.type === 'InstrumentDisabled') {
      this.feedOf.get(e.instrumentId)?.unsubscribe(e.instrumentId);
      this.feedOf.delete(e.instrumentId);
      this.pipeline.removeInstrument(e.instrumentId);
      this.log(`marketdata: unsubscribed ${e.instrumentId}`);
    }
  }
}
