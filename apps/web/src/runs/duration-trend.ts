/** The median of some durations (ms), ignoring the unknown ones; null when none is known. */
export function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const middle = Math.floor(known.length / 2);
  const upper = known[middle] ?? 0;
  return known.length % 2 === 1 ? upper : ((known[middle - 1] ?? 0) + upper) / 2;
}

/**
 * Bar heights (0..1 of the tallest) for a small duration chart, one per run, oldest first; an unknown
 * duration is a gap (null).
 */
export function trendBars(values: readonly (number | null)[]): (number | null)[] {
  const tallest = Math.max(0, ...values.filter((value): value is number => value !== null));
  return values.map((value) => (value === null ? null : tallest === 0 ? 0 : value / tallest));
}
