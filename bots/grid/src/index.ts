export * from './grid.js';
export * from './grid-config.js';
export * from './grid-ladder.js';
