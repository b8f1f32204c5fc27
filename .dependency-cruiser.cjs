/**
 * The dependency rule of ARCHITECTURE.md §3, checked in CI:
 * model ← engine ← services ← apps; model ← indicators (pure math, used by engine and sdk); model ← sdk (its testing
 * entry may drive the engine);
 * adapters depend on model and the engine's port types; bots use only model and sdk; apps never import apps.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no cycles anywhere',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-is-the-root',
      severity: 'error',
      comment: 'model depends on nothing of ours',
      from: { path: '^packages/model/' },
      to: { path: '^(packages/(?!model/|test-data/)|apps/|bots/|bench/)' },
    },
    {
      name: 'engine-only-model',
      severity: 'error',
      comment: 'the engine imports only model (never an adapter, a service, the sdk or an app)',
      from: { path: '^packages/engine/' },
      to: { path: '^(packages/(?!model/|engine/|indicators/|test-data/)|apps/|bots/|bench/)' },
    },
    {
      name: 'indicators-only-model',
      severity: 'error',
      comment:
        'indicators are pure math over model numbers, usable by the engine (features) and by bots (via the sdk)',
      from: { path: '^packages/indicators/' },
      to: { path: '^(packages/(?!model/|indicators/|test-data/)|apps/|bots/|bench/)' },
    },
    {
      name: 'reports-only-model',
      severity: 'error',
      comment:
        'reports are pure functions of a run: numbers in, JSON/HTML/text out; the CLI writes the files',
      from: { path: '^packages/reports/' },
      to: { path: '^(packages/(?!model/|reports/|test-data/)|apps/|bots/|bench/)' },
    },
    {
      name: 'sdk-only-model',
      severity: 'error',
      comment: 'the sdk contract depends only on model; only its testing harness may drive the engine',
      from: { path: '^packages/sdk/src/(?!testing/)' },
      to: { path: '^(packages/(?!model/|sdk/|indicators/|test-data/)|apps/|bots/|bench/)' },
    },
    {
      name: 'sdk-testing-no-adapters',
      severity: 'error',
      from: { path: '^packages/sdk/src/testing/' },
      to: { path: '^(packages/(adapters|services)/|apps/|bots/)' },
    },
    {
      name: 'adapters-model-and-engine-ports',
      severity: 'error',
      from: { path: '^packages/adapters/' },
      to: { path: '^(packages/(services|sdk)/|apps/|bots/)' },
    },
    {
      name: 'services-no-apps',
      severity: 'error',
      from: { path: '^packages/services/' },
      to: { path: '^(apps/|bots/)' },
    },
    {
      name: 'bots-only-model-and-sdk',
      severity: 'error',
      from: { path: '^bots/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(packages/(?!model/|sdk/|indicators/)|apps/)' },
    },
    {
      name: 'bot-tests-read-data-through-the-loader',
      severity: 'error',
      comment: 'bot tests may also load recorded data files (shared data, loaders) to test over real markets',
      from: { path: '^bots/.*\\.test\\.ts$' },
      to: { path: '^(packages/(?!model/|sdk/|indicators/|test-data/|adapters/data-files/)|apps/)' },
    },
    {
      name: 'apps-never-import-apps',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'test-data-only-in-tests-and-benches',
      severity: 'error',
      comment: 'shared data is read by tests and benchmarks, never by shipped code',
      from: { pathNot: '(\\.test\\.ts$|^bench/|^packages/test-data/)' },
      to: { path: '^packages/test-data/' },
    },
    {
      name: 'no-undeclared-deps',
      severity: 'error',
      from: { pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|/dist/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
