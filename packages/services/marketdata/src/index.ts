export * from './feeds/synthetic-feed.js';
export * from './features/feature-set.js';
export * from './features/feature-engine.js';
export * from './hot-window.js';
export * from './ingestion/market-data-pipeline.js';
export * from './market-snapshot.js';
