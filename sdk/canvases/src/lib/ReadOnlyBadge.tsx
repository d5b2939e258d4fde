import { useHostShowsNotices } from '@easel/harness';

/** A visible, announced marker that the actor may look but not edit (not inside a `CanvasHost`: it says so itself). */
export function ReadOnlyBadge({ readOnly }: { readOnly: boolean }) {
  const hosted = useHostShowsNotices();
  if (!readOnly || hosted) return null;
  return (
    <span className="easel-canvas-readonly" data-testid="canvas-readonly" role="status">
      Read only
    </span>
  );
}
