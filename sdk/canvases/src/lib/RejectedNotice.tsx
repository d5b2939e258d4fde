/** The last refused local edit, as CanvasProps carries it. */
export interface RejectedInfo {
  message: string;
  code: string;
}

/**
 * Shows why the gateway refused the last local edit (`role="alert"`, `data-testid="canvas-rejected"`).
 * Renders nothing when there is no refusal.
 */
export function RejectedNotice({ rejected }: { rejected: RejectedInfo | null }) {
  if (rejected === null) return null;
  return (
    <p role="alert" className="easel-canvas-rejected" data-testid="canvas-rejected" data-code={rejected.code}>
      <strong>Edit refused</strong> ({rejected.code}): {rejected.message}
    </p>
  );
}
