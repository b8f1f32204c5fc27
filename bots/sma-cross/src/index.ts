export * from './sma-cross.js';
