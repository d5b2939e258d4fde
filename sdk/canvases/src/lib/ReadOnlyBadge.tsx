/** A visible, announced marker that the actor may look but not edit. */
export function ReadOnlyBadge({ readOnly }: { readOnly: boolean }) {
  if (!readOnly) return null;
  return (
    <span className="easel-canvas-readonly" data-testid="canvas-readonly" role="status">
      Read only
    </span>
  );
}
