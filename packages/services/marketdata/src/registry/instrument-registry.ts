import { Topic, instrumentKey, type Bus, type Clock } from '@qubit/engine';
import { ModelError, instrumentFromSpec, type Instrument, type InstrumentId } from '@qubit/model';
import type { InstrumentsRepository, StoredInstrument } from '@qubit/store-postgres';
import type { InstrumentDisabled, InstrumentRegistered } from './instrument-events.js';

export interface InstrumentRegistryOptions {
  readonly instruments: Pick<InstrumentsRepository, 'upsert' | 'get' | 'list' | 'setEnabled'>;
  readonly bus: Bus;
  readonly clock: Clock;
}

/**
 * The instrument registry (seed 001's instrument registration): what the platform trades and watches,
 * in the store. Registering validates the spec (every error names its field), stores it and publishes
 * `InstrumentRegistered` on `instrument.registered` keyed `venue:symbol`, which the feed side reacts to;
 * disabling publishes `InstrumentDisabled`. Nothing is published for a spec that was refused.
 */
export class InstrumentRegistry {
  constructor(private readonly o: InstrumentRegistryOptions) {}

  /** Validates and stores an instrument spec (a POST /instruments body), then announces it. */
  async register(spec: unknown): Promise<Instrument> {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw new ModelError(
        'instrument',
        'expected an instrument spec object (id, kind, tick_size, lot_size…)',
      );
    }
    const instrument = instrumentFromSpec(spec as Parameters<typeof instrumentFromSpec>[0], 'instrument');
    await this.o.instruments.upsert(instrument, { enabled: true });
    this.announce(instrument);
    return instrument;
  }

  async disable(instrumentId: InstrumentId): Promise<void> {
    const stored = await this.require(instrumentId);
    if (!stored.enabled) return;
    await this.o.instruments.setEnabled(instrumentId, false);
    const now = this.o.clock.now();
    const event: InstrumentDisabled = { type: 'InstrumentDisabled', instrumentId, tsEvent: now, tsInit: now };
    this.o.bus.publish(Topic.INSTRUMENT_REGISTERED, instrumentKey(instrumentId), event);
  }

  async enable(instrumentId: InstrumentId): Promise<Instrument> {
    const stored = await this.require(instrumentId);
    if (!stored.enabled) await this.o.instruments.setEnabled(instrumentId, true);
    this.announce(stored.instrument);
    return stored.instrument;
  }

  async list(filter: { venue?: string; enabled?: boolean } = {}): Promise<StoredInstrument[]> {
    return this.o.instruments.list(filter);
  }

  /** On start: announces every enabled instrument, so that feeds started after the registry subscribe. */
  async announceAll(): Promise<Instrument[]> {
    const enabled = await this.o.instruments.list({ enabled: true });
    for (const s of enabled) this.announce(s.instrument);
    return enabled.map((s) => s.instrument);
  }

  private announce(instrument: Instrument): void {
    const now = this.o.clock.now();
    const event: InstrumentRegistered = {
      type: 'InstrumentRegistered',
      instrument,
      tsEvent: now,
      tsInit: now,
    };
    this.o.bus.publish(Topic.INSTRUMENT_REGISTERED, instrumentKey(instrument.id), event);
  }

  private async require(instrumentId: InstrumentId): Promise<StoredInstrument> {
    const stored = await this.o.instruments.get(instrumentId);
    if (!stored) throw new ModelError('instrument_id', `${String(instrumentId)} is not registered`);
    return stored;
  }
}
