/** A typed amount of money: whole minor units, 1 or more; undefined for anything else. */
export function parseAmount(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,15}$/.test(trimmed)) return undefined;
  const amount = Number(trimmed);
  return amount >= 1 ? amount : undefined;
}
