// @easel/gateway — the server's public surface (the CLI, tests and benchmarks use these).
export {
  createGateway,
  defaultLogger,
  openEmbeddedEngines,
  type EmbeddedEnginesOptions,
  type Gateway,
  type GatewayDeps,
} from './compose.ts';
export { createVerifier, type Verifier, type VerifierOptions } from './auth/createVerifier.ts';
export { mintToken, type MintTokenOptions } from './auth/mintToken.ts';
export {
  StreamHub,
  type FanoutCore,
  type OpenStreamRequest,
  type StreamHandle,
  type StreamHubOptions,
} from './core/fanout/StreamHub.ts';
export type { StreamSink } from './core/fanout/StreamSink.ts';
export type { FanoutMetrics, StreamKind } from './core/fanout/FanoutMetrics.ts';
export { createMetrics, type GatewayMetrics, type MetricsOptions } from './metrics/createMetrics.ts';
export { GatewayCore, type CoreDeps } from './core/GatewayCore.ts';
export type { Principal } from './core/auth/Principal.ts';
