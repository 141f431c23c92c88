import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invoiceTotalCents, subtotalCents } from '../src/invoice.ts';

const lines = [
  { description: 'widget', unitPriceCents: 1999, quantity: 3 },
  { description: 'gadget', unitPriceCents: 500, quantity: 2 },
];

test('subtotal adds every line', () => {
  assert.equal(subtotalCents(lines), 6997);
});

test('no discount leaves the subtotal', () => {
  assert.equal(invoiceTotalCents(lines), 6997);
});

test('a percentage discount is a percentage, rounded half up to the cent', () => {
  assert.equal(invoiceTotalCents([{ description: 'x', unitPriceCents: 1995, quantity: 1 }], 10), 1796);
});

test('a discount outside 0..100 is refused', () => {
  assert.throws(() => invoiceTotalCents(lines, 120), RangeError);
});
