import {
  decodeEnvelope,
  encodeEnvelope,
  instrumentFromSpec,
  instrumentToSpec,
  type Envelope,
  type InstrumentSpec,
  type MarketData,
} from '@qubit/model';
import type { PreparedData } from './backtest-job.js';

/**
 * Prepared data as sweep workers receive it. Worker threads get a structured clone, which keeps neither
 * the model's classes (Price, Quantity) nor frozen bar types, so each datum travels as the model's wire
 * envelope and the instrument as its spec; the worker decodes them into equal model objects.
 */
export interface WorkerData {
  readonly instrument: InstrumentSpec;
  readonly kind: PreparedData['kind'];
  readonly timeframe?: string;
  readonly files: readonly string[];
  readonly data: readonly Envelope[];
}

export function toWorkerData(p: PreparedData): WorkerData {
  return {
    instrument: instrumentToSpec(p.instrument),
    kind: p.kind,
    ...(p.timeframe !== undefined ? { timeframe: p.timeframe } : {}),
    files: p.files,
    data: p.data.map((d, i) => encodeEnvelope(d, { id: String(i), key: p.instrument.id })),
  };
}

export function fromWorkerData(w: WorkerData): PreparedData {
  const instrument = instrumentFromSpec(w.instrument, 'workerData.instrument');
  return {
    instrument,
    kind: w.kind,
    ...(w.timeframe !== undefined ? { timeframe: w.timeframe } : {}),
    files: w.files,
    data: w.data.map((e) => decodeEnvelope<MarketData>(e).message),
  };
}
