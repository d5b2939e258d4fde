import type { CanvasScope } from '@easel/schemas';

/** The presence WS endpoint (contract §7). */
export const PRESENCE_PATH = '/v1/presence';

/** The presence document of a canvas (contract §7): `<tenant>/<project>/<canvas>`. */
export function presenceDocument(scope: Pick<CanvasScope, 'tenant_id' | 'project_id' | 'canvas_id'>): string {
  return `${scope.tenant_id}/${scope.project_id}/${scope.canvas_id}`;
}
