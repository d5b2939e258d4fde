import type { GatewayCore } from '../GatewayCore.ts';

/** The part of the core fan-out uses. */
export type FanoutCore = Pick<
  GatewayCore,
  'spine' | 'bus' | 'lensView' | 'onLensChanged' | 'canvasReady' | 'canvasExists' | 'projectEvent'
>;
