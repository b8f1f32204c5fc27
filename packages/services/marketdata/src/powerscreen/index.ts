// HOSE PowerScreen (seed 000 §2.5): the markets.v1.SsiPsSnapshot schema, its JSON form, the `ssi_ps`
// producer and consumer.
// The generated schema as a namespace: its TradingSession enum is not the model's TradingSession.
export * as marketsV1 from '../gen/markets/v1/ssi_ps_pb.js';
export { SsiPsSnapshotSchema, type SsiPsSnapshot } from '../gen/markets/v1/ssi_ps_pb.js';
export * from './hose-tick-size.js';
export * from './hose-time.js';
export * from './ssi-ps-snapshot-check.js';
export * from './ssi-ps-snapshot-json.js';
export * from './ssi-ps-snapshot-bytes.js';
export * from './ssi-ps-producer.js';
export * from './ssi-ps-consumer.js';
