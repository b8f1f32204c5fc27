export * from './momentum.js';
