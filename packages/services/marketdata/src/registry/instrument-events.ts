import {
  Fields,
  InstrumentId,
  ModelError,
  instrumentFromSpec,
  instrumentToSpec,
  wireSchema,
  type Instrument,
  type InstrumentSpec,
  type JsonObject,
  type UnixNanos,
  type WireCodec,
} from '@qubit/model';

/**
 * On `instrument.registered` (key `venue:symbol`): an instrument was registered or enabled; the feed
 * side subscribes to it. The spec travels whole, so a consumer needs nothing else to trade it.
 */
export interface InstrumentRegistered {
  readonly type: 'InstrumentRegistered';
  readonly instrument: Instrument;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

/** On the same topic and key: the instrument was disabled; the feed side unsubscribes. */
export interface InstrumentDisabled {
  readonly type: 'InstrumentDisabled';
  readonly instrumentId: InstrumentId;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

export type InstrumentEvent = InstrumentRegistered | InstrumentDisabled;

export const InstrumentRegisteredCodec: WireCodec<InstrumentRegistered> = {
  type: 'InstrumentRegistered',
  v: 1,
  encode: (m) => ({
    instrument: instrumentToSpec(m.instrument) as unknown as JsonObject,
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const spec = f.get('instrument', (v, at) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw new ModelError(at, 'expected an instrument spec object');
      return v as InstrumentSpec;
    });
    return {
      type: 'InstrumentRegistered',
      instrument: instrumentFromSpec(spec, f.at('instrument')),
      tsEvent: f.get('ts_event', wireSchema.nanos),
      tsInit: f.get('ts_init', wireSchema.nanos),
    };
  },
};

export const InstrumentDisabledCodec: WireCodec<InstrumentDisabled> = {
  type: 'InstrumentDisabled',
  v: 1,
  encode: (m) => ({
    instrument_id: m.instrumentId,
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    return {
      type: 'InstrumentDisabled',
      instrumentId: f.get('instrument_id', (v, at) => InstrumentId(v, at)),
      tsEvent: f.get('ts_event', wireSchema.nanos),
      tsInit: f.get('ts_init', wireSchema.nanos),
    };
  },
};
