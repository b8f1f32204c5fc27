export * from './features.js';
export * from './ml-signal.js';
export * from './ml-signal-config.js';
export * from './model-weights.js';
export * from './signal-model.js';
export * from './sizing.js';
