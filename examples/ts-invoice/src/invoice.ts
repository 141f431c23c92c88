/** One invoice line, in integer cents. */
export interface Line {
  description: string;
  unitPriceCents: number;
  quantity: number;
}

/** Sum of the lines before any discount, in cents. */
export function subtotalCents(lines: readonly Line[]): number {
  return lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
}

/**
 * Total after a percentage discount, rounded to the nearest cent (half up).
 * A discount outside 0..100 is a RangeError.
 */
export function invoiceTotalCents(lines: readonly Line[], discountPercent = 0): number {
  const subtotal = subtotalCents(lines);
  return subtotal - discountPercent;
}
