// Streaming technical indicators: one update per bar or tick, no look-back recomputation.
export * from './sma.js';
