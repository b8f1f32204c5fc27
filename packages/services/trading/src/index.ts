export * from './accept-reconciliation.js';
export * from './gated-venue.js';
export * from './same-mismatches.js';
export * from './store-projection.js';
export * from './trading-service.js';
