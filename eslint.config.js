import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'process is for apps only' }],
    },
  },
  {
    // The kernel must stay deterministic: no wall clock, no randomness, no I/O.
    files: [
      'packages/model/src/**/*.ts',
      'packages/engine/src/**/*.ts',
      'packages/reports/src/**/*.ts',
      'packages/indicators/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts', 'packages/engine/src/clock/live-clock.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'time comes from the injected Clock' },
        { object: 'Math', property: 'random', message: 'randomness must be seeded and injected' },
        { object: 'performance', property: 'now', message: 'time comes from the injected Clock' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:fs*', 'fs', 'fs/*', 'node:net', 'node:http*', 'node:child_process'],
              message: 'the kernel does no I/O',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'apps/**/*.ts',
      'bench/**/*.ts',
      'packages/test-data/**/*.ts',
      '**/*.test.ts',
      'vitest.config.ts',
      'packages/engine/src/clock/live-clock.ts',
    ],
    rules: { 'no-restricted-globals': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { 'no-restricted-globals': 'off' },
  },
);
