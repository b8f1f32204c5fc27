export * from './trend-following.js';
