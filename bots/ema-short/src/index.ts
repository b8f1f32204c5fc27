export * from './ema-short.js';
export * from './ema-short-config.js';
export * from './exit-levels.js';
