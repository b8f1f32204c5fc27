// The supervisor role: desired bots reconciled with running ones, the bot runtimes and their protocol.
export * from './runtime/bot-runtime.js';
export * from './runtime/timers.js';
export * from './runtime/worker-protocol.js';
export * from './runtime/worker-bot-runtime.js';
export * from './runtime/tick-stats.js';
export * from './supervisor.js';
