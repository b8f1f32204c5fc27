export * from './gated-venue.js';
export * from './store-projection.js';
export * from './trading-service.js';
