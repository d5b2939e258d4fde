import type { GatewayCore } from '../../core/GatewayCore.ts';

/** What runs need of `GatewayCore` (it satisfies this as is). */
export type RunCore = Pick<
  GatewayCore,
  'spine' | 'appendEvents' | 'publishTelemetry' | 'commitProposal' | 'readCanvas' | 'getCanvasType' | 'lensView'
>;
