/** An amount in integer minor units of the provider's currency, grouped for reading. */
export function money(amount: number): string {
  return amount.toLocaleString();
}
