// The test bots, in one module a worker can import by URL (`TEST_BOTS_MODULE`) and pick by name.
export { echoBot } from './echo-bot.js';
export { failingStartBot } from './failing-start-bot.js';
export { loopingBot } from './looping-bot.js';
export { memoryHogBot } from './memory-hog-bot.js';
export { slowStopBot } from './slow-stop-bot.js';
export { throwingBot } from './throwing-bot.js';

/** Where this module is, for BotSpec.module. */
export const TEST_BOTS_MODULE = new URL('./test-bots.ts', import.meta.url).href;
