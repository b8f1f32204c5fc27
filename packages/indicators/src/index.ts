// Streaming technical indicators: one update per bar or tick, no look-back recomputation.
export * from './sma.js';
export * from './ema.js';
export * from './rsi.js';
export * from './macd.js';
export * from './bollinger-bands.js';
export * from './atr.js';
export * from './realized-volatility.js';
export * from './rolling-moments.js';
