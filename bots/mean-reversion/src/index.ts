export * from './mean-reversion.js';
