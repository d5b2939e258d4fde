import type { CanvasCartridge, PeerState } from '@easel/harness';
import type { JsonValue, StateOp } from '@easel/schemas';
import { render } from '@testing-library/react';
import { type ComponentType, useSyncExternalStore } from 'react';
import { RecordingEmitter, type RecordingEmitterOptions } from './RecordingEmitter.ts';

export interface RenderCartridgeOptions extends RecordingEmitterOptions {
  /** State written before the first render (as another actor's state.ops). */
  seed?: StateOp[];
  /** Token values (defaults: the manifest's declared defaults). */
  tokens?: Record<string, JsonValue>;
  readOnly?: boolean;
  rejected?: { message: string; code: string } | null;
  peers?: PeerState[];
  /** Extra props for cartridges that take more than CanvasProps (media, run console). */
  extra?: Record<string, unknown>;
}

/** The manifest's token defaults. */
export function tokenDefaults(cartridge: CanvasCartridge<unknown>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [id, decl] of Object.entries(cartridge.manifest.tokens))
    if (decl.default !== undefined) out[id] = decl.default;
  return out;
}

interface LiveProps {
  cartridge: CanvasCartridge<unknown>;
  emitter: RecordingEmitter;
  setCursor: (x: number, y: number) => void;
  readOnly: boolean;
  rejected: { message: string; code: string } | null;
  peers: PeerState[];
  extra: Record<string, unknown> | undefined;
}

/** Re-projects on every emitter change, like CanvasHost over the transport's stores. */
function LiveCartridge(props: LiveProps) {
  const { cartridge, emitter } = props;
  useSyncExternalStore(
    (listener) => emitter.subscribe(listener),
    () => emitter.version,
  );
  const Component = cartridge.Component as unknown as ComponentType<Record<string, unknown>>;
  return (
    <Component
      projection={cartridge.project(emitter.state(), emitter.tokens)}
      tokens={emitter.tokens}
      revision={emitter.revision}
      emit={emitter}
      presence={{ peers: props.peers, setCursor: props.setCursor }}
      readOnly={props.readOnly}
      rejected={props.rejected}
      {...props.extra}
    />
  );
}

/**
 * Renders a cartridge the way CanvasHost does (projection of the current state and tokens, emitter,
 * presence, readOnly, rejected), over a {@link RecordingEmitter}: emitted ops change the state and
 * the component re-renders from the new projection.
 */
export function renderCartridge<P>(cartridge: CanvasCartridge<P>, options: RenderCartridgeOptions = {}) {
  const generic = cartridge as unknown as CanvasCartridge<unknown>;
  const emitter = new RecordingEmitter(
    cartridge.manifest.roots,
    { ...tokenDefaults(generic), ...options.tokens },
    options,
  );
  if (options.seed) emitter.seed(options.seed);
  const cursors: { x: number; y: number }[] = [];
  const base = {
    cartridge: generic,
    emitter,
    setCursor: (x: number, y: number) => void cursors.push({ x, y }),
    extra: options.extra,
  };
  const initial = {
    readOnly: options.readOnly ?? false,
    rejected: options.rejected ?? null,
    peers: options.peers ?? [],
  };
  const utils = render(<LiveCartridge {...base} {...initial} />);
  return {
    ...utils,
    emitter,
    cursors,
    /** Re-renders with other host-given props (readOnly, rejected, peers). */
    update(next: Partial<typeof initial>) {
      utils.rerender(<LiveCartridge {...base} {...initial} {...next} />);
    },
    /** The current projection (what the component was given). */
    projection: () => cartridge.project(emitter.state(), emitter.tokens),
  };
}
