// The SimulatedVenue: a matching engine behind the ExecutionClient port, for backtests and paper trading.
export { SimulatedVenue, type SimulatedVenueOptions, type VenueOrderReport } from './simulated-venue.js';
export {
  DEFAULT_SIMULATED_VENUE_CONFIG,
  resolveVenueConfig,
  type FeeOverride,
  type SimulatedVenueConfig,
} from './venue-config.js';
export { BarPath } from './fill-model.js';
export { FeeModel } from './fee-model.js';
export type { VenuePosition } from './position-ledger.js';
