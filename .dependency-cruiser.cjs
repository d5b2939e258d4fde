/**
 * Dependency rules (ARCHITECTURE.md): schemas ← transport ← harness ← canvases ← host; schemas ← gateway.
 * No cycles; nothing imports the gateway but its own CLI, tests and the benchmarks; canvases never
 * reach the transport (they emit commands through the harness); gateway core stays Express- and SQL-free.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'runtime cycles only: type-only back-references (e.g. a lazily imported module typing its host) are erased at build',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'schemas-depend-on-nothing-of-ours',
      severity: 'error',
      from: { path: '^schemas/' },
      to: { path: '^(sdk|gateway|host|bench|e2e)/' },
    },
    {
      name: 'transport-only-on-schemas',
      severity: 'error',
      from: { path: '^sdk/transport/' },
      to: { path: '^(sdk/harness|sdk/canvases|gateway|host|bench|e2e)/' },
    },
    {
      name: 'harness-not-upward',
      severity: 'error',
      from: { path: '^sdk/harness/' },
      to: { path: '^(sdk/canvases|gateway|host|bench|e2e)/' },
    },
    {
      name: 'canvases-never-reach-transport-or-gateway',
      severity: 'error',
      from: { path: '^sdk/canvases/' },
      to: { path: '^(sdk/transport|gateway|host|bench|e2e)/' },
    },
    {
      name: 'canvases-no-connections',
      comment: 'A canvas renders state and emits commands; it never opens connections itself.',
      severity: 'error',
      from: { path: '^sdk/canvases/' },
      to: { path: '(^|/)node_modules/(ws|eventsource-parser|@hocuspocus/provider)/' },
    },
    {
      name: 'canvases-no-network-modules',
      comment:
        'Canvases get state and a CommandEmitter from the harness (defineCanvas): no transport package, ' +
        'no HTTP/socket modules of Node, no client libraries that open connections. Globals (fetch, WebSocket, ' +
        'EventSource) are refused by the lint rule for sdk/canvases in biome.json.',
      severity: 'error',
      from: { path: '^sdk/canvases/' },
      to: {
        path: [
          '(^|/)node_modules/(@easel/transport|undici|node-fetch|cross-fetch|axios|ky|got|isomorphic-ws|socket\\.io-client|eventsource|@microsoft/fetch-event-source|y-websocket|@hocuspocus)(/|$)',
          '^(node:)?(http|https|http2|net|tls|dgram|dns|child_process|worker_threads)$',
        ],
      },
    },
    {
      name: 'nothing-imports-the-gateway',
      severity: 'error',
      from: { path: '^(schemas|sdk|host)/' },
      to: { path: '^gateway/' },
    },
    {
      name: 'gateway-core-is-transport-agnostic',
      comment:
        'core/ runs without Express, better-sse or SQL drivers; adapters depend on core, not the reverse. ' +
        "Exception: sseFrames.ts uses better-sse's EventBuffer, a pure SSE field writer with no HTTP in it.",
      severity: 'error',
      from: { path: '^gateway/src/core/', pathNot: ['\\.test\\.ts$', '^gateway/src/core/fanout/sseFrames\\.ts$'] },
      to: {
        path: [
          '(^|/)node_modules/(express|better-sse|libsql|better-sqlite3|pg|ioredis|redis)/',
          '^gateway/src/(http|spine|bus|auth|metrics|cli|compose)',
        ],
      },
    },
    {
      name: 'gateway-adapters-not-on-each-other',
      severity: 'error',
      from: { path: '^gateway/src/(spine|bus)/' },
      to: { path: '^gateway/src/(http|presence|cli|compose)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|generated|storybook-static)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
    combinedDependencies: false,
    preserveSymlinks: false,
  },
};
