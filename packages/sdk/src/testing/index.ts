// The bot author's test harness: run a bot over bars through the real kernel and assert on the result.
export * from './bar-rows.js';
export * from './run-bot.js';
export * from './round-trips.js';
