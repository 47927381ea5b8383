/**
 * Integer money (minor units of the provider's currency). Products of amounts with counts or rates
 * are taken in bigint, so no intermediate passes 2^53 unnoticed; a result that does not fit a safe
 * integer is an error, never a rounded number.
 */

export function toAmount(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
    throw new RangeError(`the amount ${value} is beyond what can be billed exactly`);
  return Number(value);
}

export function requireAmount(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole amount, not ${value}`);
}

/** ⌊numerator / denominator⌋ for a positive denominator, toward −∞ as the rules' floor is. */
export function floorDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator !== 0n && numerator < 0n !== denominator < 0n ? quotient - 1n : quotient;
}

/** ⌈numerator / denominator⌉ for non-negative operands. */
export function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}
