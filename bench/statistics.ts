/** The middle value of the rounds (the mean of the two middles for an even count); NaN when there are none. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  // An even count has two middles: their mean, so two rounds do not quote the better one.
  if (sorted.length % 2 === 0 && sorted.length > 0)
    return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return sorted[middle] ?? Number.NaN;
}

/** The value `p` percent of `values` fall below (nearest rank); NaN when there are none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
