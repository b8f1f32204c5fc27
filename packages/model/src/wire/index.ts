// The versioned wire format: envelopes, schemas and the codec of every model message.
export * from './codec.js';
export * from './codecs/account-codecs.js';
export * from './codecs/command-codecs.js';
export * from './codecs/market-data-codecs.js';
export * from './codecs/order-event-codecs.js';
export * from './codecs/position-codecs.js';
export * from './codecs/risk-codecs.js';
export * from './envelope.js';
export * from './registry.js';
// The readers live under one name so that `str`, `price`, `int`… do not crowd the model's namespace.
export * as wireSchema from './schema.js';
export { Fields, type DecodeContext, type JsonObject, type JsonValue, type Reader } from './schema.js';
export * from './wire-decode-error.js';
export * from './wire-message.js';
