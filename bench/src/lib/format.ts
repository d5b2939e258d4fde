/** 1234567 → "1.23M", 12345 → "12.3k". */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(value < 10 ? 2 : 0);
}

/** 0.53 → "53%". */
export function pct(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(0)}%` : 'n/a';
}
