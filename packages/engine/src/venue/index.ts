// The SimulatedVenue: a matching engine behind the ExecutionClient port, for backtests and paper trading.
export {
  SimulatedVenue,
  type SimulatedOrderStatus,
  type SimulatedVenueOptions,
  type VenueOrderReport,
} from './simulated-venue.js';
export { SimulatedVenueQueries } from './simulated-venue-queries.js';
export {
  SIMULATED_VENUE_STATE_FORMAT,
  SIMULATED_VENUE_STATE_VERSION,
  simulatedVenueStateFromJson,
  simulatedVenueStateToJson,
  type BookLevelState,
  type ClosedOrderState,
  type MatchDriverName,
  type MatcherState,
  type PendingCommandState,
  type SimulatedVenueCounters,
  type SimulatedVenueState,
  type WorkingOrderState,
} from './simulated-venue-state.js';
export type { ClosedStatus } from './sim-order.js';
export {
  DEFAULT_SIMULATED_VENUE_CONFIG,
  resolveVenueConfig,
  type FeeOverride,
  type SimulatedVenueConfig,
} from './venue-config.js';
export { BarPath } from './fill-model.js';
export { FeeModel } from './fee-model.js';
export type { VenuePosition } from './position-ledger.js';
