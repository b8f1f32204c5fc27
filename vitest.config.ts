import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/**/*.test.ts', 'apps/**/*.test.ts', 'bots/**/*.test.ts', 'bench/**/*.test.ts'],
    // The fault-injection test runs on its own afterwards (vitest.fault.config.ts).
    exclude: ['**/node_modules/**', 'apps/qubit/src/fault/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
