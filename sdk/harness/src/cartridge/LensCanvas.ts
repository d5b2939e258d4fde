import type { CanvasTransport } from '@easel/transport';
import type { PresenceSource } from '../provider/PresenceSource.ts';
import type { AnyCanvasCartridge } from './defineCanvas.ts';

/** One canvas the lens can show: its cartridge and its transport. */
export interface LensCanvas {
  readonly canvasId: string;
  /** Shown in switchers (default: the cartridge's title). */
  readonly title?: string;
  readonly cartridge: AnyCanvasCartridge;
  /** The canvas's transport (the provider's own for the provider's canvas). */
  readonly transport: CanvasTransport;
  /** Presence for this canvas (default `transport.presence`; `false`: none). */
  readonly presence?: PresenceSource | false;
}
