/** The current month as `YYYY-MM` on the admin's clock; the server reads months in the billing time zone. */
export function thisMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}
