/**
 * True when manifest version `candidate` is newer than `current`: their `major.minor.patch`
 * compared as numbers (a `-pre`/`+build` suffix is not compared). False when either is not a
 * version.
 */
export function isNewerVersion(candidate: string, current: string): boolean {
  const a = triple(candidate);
  const b = triple(current);
  if (a === null || b === null) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

function triple(version: string): [number, number, number] | null {
  const m = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:[-+].*)?$/.exec(version);
  return m === null ? null : [Number(m[1]), Number(m[2]), Number(m[3])];
}
