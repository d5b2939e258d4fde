/** The object key of a sidecar (contract §8): `tenants/<tenant>/projects/<project>/artifacts/<artifact_id>`. */
export function sidecarObjectKey(tenantId: string, projectId: string, artifactId: string): string {
  return `tenants/${tenantId}/projects/${projectId}/artifacts/${artifactId}`;
}

/** The `s3://bucket/key` URI a `snapshot_created` event carries. */
export function sidecarUri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
