// The ExecutionEngine (commands → venues, reports → orders, write-ahead journal) and ClientOrderId generation.
export { BoundedMap } from './bounded-map.js';
export {
  ClientOrderIdGenerator,
  REASON_CODES,
  botTag,
  parseClientOrderId,
  reasonCode,
  type ClientOrderIdGeneratorOptions,
  type ClientOrderIdOrigin,
  type ParsedClientOrderId,
} from './client-order-id-generator.js';
export type { ExecutionAnomaly } from './execution-anomaly.js';
export {
  ExecutionEngine,
  ExecutionGroup,
  type CancelAllScope,
  type ExecutionEngineOptions,
  type ReplayOutcome,
} from './execution-engine.js';
