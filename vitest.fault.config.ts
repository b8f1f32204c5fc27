import { defineConfig } from 'vitest/config';

// The fault-injection test kills and restarts whole platform processes dozens of times; it runs on its own,
// after the rest of the suite, so that its timing does not compete with a hundred other test files.
export default defineConfig({
  test: {
    include: ['apps/qubit/src/fault/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
