// `qubit venue sim`: the SimulatedVenue as its own process, with its own durable log, market and protocol.
export {
  LOG_FILE,
  startVenueSim,
  type RunningVenueSim,
  type VenueSimAccount,
  type VenueSimMarket,
  type VenueSimOptions,
} from './venue-sim.js';
export { QuoteWalk, type QuoteWalkOptions } from './quote-walk.js';
export type { VenueAccountSetup } from './venue-truth.js';
