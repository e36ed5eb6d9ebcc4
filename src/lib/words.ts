/**
 * A list of alternatives the way Stripe's messages write one: "a or b", "a, b, or c" (the serial
 * comma, as recorded in its enum errors and its SetupIntent status lists).
 */
export function orList(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
}
