// The Data API's history: seed 003's historical cache over the store, and the port a venue fills it through.
export * from './history-source.js';
export * from './historical-cache.js';
export * from './timeframe.js';
