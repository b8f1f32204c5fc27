export * from './shared-data.js';
export * from './services.js';
