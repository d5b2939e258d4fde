// @easel/host — the harness host app (served by `easel dev`). Named exports for stories and tests.
export { App } from './app/App.tsx';
export { hostCartridges } from './app/hostCartridges.tsx';
export { ACTOR_IDS, ACTORS, isActorId, type ActorId, type ActorProfile } from './actors/actors.ts';
export {
  FLOW_TEMPLATES,
  MAX_FLOW_CANVASES,
  flowAgentSchema,
  flowCanvasSchema,
  flowSchema,
  parseFlow,
  type Flow,
  type FlowCanvas,
  type FlowError,
  type FlowResult,
  type FlowTemplate,
} from './flows/flowSchema.ts';
export { buildFlowCatalog, flowNameOf, pickFlow, type FlowCatalog } from './flows/flowCatalog.ts';
export { bundledFlows } from './flows/bundledFlows.ts';
export {
  DEFAULT_FLOW,
  readHostLocation,
  writeHostLocation,
  type HostLocation,
} from './location/hostLocation.ts';
export { devTokenSource, mintDevToken, type DevToken, type DevTokenRequest } from './bootstrap/devTokens.ts';
export {
  HOST_SCOPE,
  flowCanvasScope,
  prepareFlow,
  type PreparedFlow,
  type PrepareFlowOptions,
} from './bootstrap/prepareFlow.ts';
export type { HostError, HostFetch, HostResult } from './bootstrap/HostError.ts';
export {
  openFlowSession,
  type FlowSession,
  type OpenFlowSessionOptions,
  type SessionCanvas,
  type SessionStep,
} from './session/openFlowSession.ts';
