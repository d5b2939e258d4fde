import { useHostShowsNotices } from '@easel/harness';

/** The last refused local edit, as CanvasProps carries it. */
export interface RejectedInfo {
  message: string;
  code: string;
}

/**
 * Shows why the gateway refused the last local edit (`role="alert"`, `data-testid="canvas-rejected"`).
 * Renders nothing when there is no refusal, or inside a `CanvasHost` (it shows the refusal itself).
 */
export function RejectedNotice({ rejected }: { rejected: RejectedInfo | null }) {
  const hosted = useHostShowsNotices();
  if (rejected === null || hosted) return null;
  return (
    <p role="alert" className="easel-canvas-rejected" data-testid="canvas-rejected" data-code={rejected.code}>
      <strong>Edit refused</strong> ({rejected.code}): {rejected.message}
    </p>
  );
}
