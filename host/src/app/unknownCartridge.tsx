import { type AnyCanvasCartridge, type CanvasProps, defineCanvas, Icon } from '@easel/harness';

function UnknownCanvas(props: CanvasProps<{ type: string }>) {
  return (
    <div className="ez-status ez-status--empty" role="status" data-testid="host-unknown-canvas">
      <span className="ez-status__icon" aria-hidden="true">
        <Icon name="empty" size="16px" />
      </span>
      <div className="ez-status__body">
        <p className="ez-status__title">No view for “{props.projection.type}” canvases</p>
        <p className="ez-status__text">The host has no cartridge for this canvas type; its state is still live.</p>
      </div>
    </div>
  );
}

/** A stand-in for a canvas type no cartridge renders: it says so instead of failing the flow. */
export function unknownCartridge(type: string, title: string): AnyCanvasCartridge {
  return defineCanvas({
    manifest: { type, version: '0.0.0', title, roots: { unknown: 'map' }, tokens: {}, tools: [] },
    project: () => ({ type }),
    Component: UnknownCanvas,
  });
}
