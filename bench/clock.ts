/** Wall-clock milliseconds with a fraction, comparable between processes of one machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
