/**
 * The partition key of all ordering and storage (contract §1): `"<tenant>/<project>"`.
 * Slugs cannot contain `/`, so the key is unambiguous.
 */
export function partitionId(scope: { tenant_id: string; project_id: string }): string {
  return `${scope.tenant_id}/${scope.project_id}`;
}
