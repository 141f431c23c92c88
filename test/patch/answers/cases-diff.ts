// Correct answers as unified diffs, written the way GPT-4-class models write them: in a
// ```diff block between two sentences, with line numbers that are a few lines off, with
// `@@ ... @@`, wrong counts, lost indentation, blank context sent as empty lines, two
// sections for one file, CRLF, hunks out of order.
import { FILES, MAIN_GO, SETTINGS_INI, STRINGS_TS, TOTALS_PY, CART_TS, FORMAT_PY, edit } from './fixture.js';
import { fence, type AnswerCase } from './case.js';

const TOTALS = 'src/invoicing/totals.py';
const DISCOUNT_FIXED = edit(TOTALS_PY, `def discount(invoice: Invoice) -> Decimal:
    total = Decimal("0")
    for line in invoice.lines:
        total += line_total(line)
    if total > THRESHOLD:`, `def discount(invoice: Invoice) -> Decimal:
    total = subtotal(invoice)
    if total > THRESHOLD:`);

const DISCOUNT_DIFF = `diff --git a/src/invoicing/totals.py b/src/invoicing/totals.py
--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -29,9 +29,7 @@ def tax(invoice: Invoice) -> Decimal:
 def discount(invoice: Invoice) -> Decimal:
-    total = Decimal("0")
-    for line in invoice.lines:
-        total += line_total(line)
+    total = subtotal(invoice)
     if total > THRESHOLD:
         return total * DISCOUNT
     return Decimal("0")
`;

const TAX_FIXED = edit(TOTALS_PY, '    amount = subtotal(invoice) * TAX_RATE\n', '    if invoice.is_empty():\n        return Decimal("0.00")\n    amount = subtotal(invoice) * TAX_RATE\n');
const COUNT_FIXED = edit(CART_TS, `  count(): number {
    let sum = 0;
    for (const item of this.items) {
      sum += item.quantity;
    }
    return sum;
  }`, `  count(): number {
    return this.items.reduce((n, item) => n + item.quantity, 0);
  }`);

export const DIFF_CASES: AnswerCase[] = [
  {
    name: 'prose, a fenced git diff, prose',
    format: 'unified_diff',
    answer: `Here's the fix: \`discount()\` recomputes the subtotal by hand. Reuse \`subtotal()\` instead:\n\n${fence('diff', DISCOUNT_DIFF)}\nThis changes \`discount\` to call \`subtotal\`, so both always agree.\n`,
    expect: { files: { [TOTALS]: DISCOUNT_FIXED }, normalisations: ['note'] },
  },
  {
    name: 'hunk line numbers a few lines off',
    format: 'unified_diff',
    answer: fence('diff', DISCOUNT_DIFF.replace('@@ -29,9 +29,7 @@', '@@ -25,9 +25,7 @@')),
    expect: { files: { [TOTALS]: DISCOUNT_FIXED }, normalisations: ['line_numbers'] },
  },
  {
    name: '@@ ... @@ without numbers',
    format: 'unified_diff',
    answer: `The loop duplicates \`subtotal\`:\n\n${fence('diff', DISCOUNT_DIFF.replace(/^@@ .*$/m, '@@ ... @@'))}`,
    expect: { files: { [TOTALS]: DISCOUNT_FIXED }, normalisations: ['no_numbers'] },
  },
  {
    name: 'wrong hunk counts',
    format: 'unified_diff',
    answer: fence('diff', DISCOUNT_DIFF.replace('@@ -29,9 +29,7 @@', '@@ -29,6 +29,5 @@')),
    expect: { files: { [TOTALS]: DISCOUNT_FIXED }, normalisations: ['counts'] },
  },
  {
    name: 'every line of the hunk lost 4 spaces of indentation',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/format.py
+++ b/src/invoicing/format.py
@@ -19,2 +19,2 @@
 def header(self, number: str) -> str:
-    return f"INVOICE {number}"
+    return f"INVOICE No. {number}"
`),
    expect: { files: { 'src/invoicing/format.py': edit(FORMAT_PY, 'f"INVOICE {number}"', 'f"INVOICE No. {number}"') }, normalisations: ['indentation'] },
  },
  {
    name: 'blank context lines sent as empty lines',
    format: 'unified_diff',
    answer: fence('diff', `diff --git a/src/invoicing/totals.py b/src/invoicing/totals.py
--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -21,7 +21,9 @@
     return total


 def tax(invoice: Invoice) -> Decimal:
+    if invoice.is_empty():
+        return Decimal("0.00")
     amount = subtotal(invoice) * TAX_RATE
     return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
`),
    expect: { files: { [TOTALS]: TAX_FIXED }, normalisations: ['blank_lines'] },
  },
  {
    name: 'two sections for one file, hunks in reverse order',
    format: 'unified_diff',
    answer: `Two changes:\n\n${fence('diff', `--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -38,2 +38,3 @@
 def grand_total(invoice: Invoice) -> Decimal:
-    return subtotal(invoice) + tax(invoice) - discount(invoice)
+    total = subtotal(invoice) + tax(invoice) - discount(invoice)
+    return total.quantize(Decimal("0.01"))
--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -11,3 +11,3 @@
 def line_total(line: Line) -> Decimal:
-    """Quantity times unit price, before tax."""
+    """Quantity times unit price, before tax and discount."""
     total = line.quantity * line.unit_price
`)}`,
    expect: {
      files: {
        [TOTALS]: edit(
          edit(TOTALS_PY, '    return subtotal(invoice) + tax(invoice) - discount(invoice)\n', '    total = subtotal(invoice) + tax(invoice) - discount(invoice)\n    return total.quantize(Decimal("0.01"))\n'),
          'before tax."""',
          'before tax and discount."""',
        ),
      },
      normalisations: ['merged_sections', 'order'],
    },
  },
  {
    name: 'a CRLF answer for an LF file',
    format: 'unified_diff',
    answer: fence('diff', DISCOUNT_DIFF).replace(/\n/g, '\r\n'),
    expect: { files: { [TOTALS]: DISCOUNT_FIXED }, normalisations: ['crlf'] },
  },
  {
    name: 'an LF answer for a CRLF file',
    format: 'unified_diff',
    answer: fence('diff', `--- a/config/settings.ini
+++ b/config/settings.ini
@@ -1,4 +1,4 @@
 [invoicing]
 currency = EUR
-tax_rate = 0.20
+tax_rate = 0.21
 rounding = half_up
`),
    expect: { files: { 'config/settings.ini': edit(SETTINGS_INI, 'tax_rate = 0.20\r\n', 'tax_rate = 0.21\r\n') }, normalisations: ['crlf'] },
  },
  {
    name: 'context with its trailing whitespace stripped',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/format.py
+++ b/src/invoicing/format.py
@@ -5,5 +5,5 @@ class Formatter:
     def __init__(self, currency: str = "EUR") -> None:
         self.currency = currency

     def money(self, amount: Decimal) -> str:
-        return f"{amount:.2f} {self.currency}"
+        return f"{self.currency} {amount:,.2f}"
`),
    expect: { files: { 'src/invoicing/format.py': edit(FORMAT_PY, '    def money(self, amount: Decimal) -> str:\n        return f"{amount:.2f} {self.currency}"\n\n    def header(self, number: str) -> str:\n        return f"Invoice', '    def money(self, amount: Decimal) -> str:\n        return f"{self.currency} {amount:,.2f}"\n\n    def header(self, number: str) -> str:\n        return f"Invoice') }, normalisations: ['trailing_whitespace'] },
  },
  {
    name: 'aligned constants written with single spaces',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -6,3 +6,3 @@
 TAX_RATE = Decimal("0.20")
-DISCOUNT = Decimal("0.05")
+DISCOUNT    = Decimal("0.10")
 THRESHOLD = Decimal("1000")
`),
    expect: { files: { [TOTALS]: edit(TOTALS_PY, 'DISCOUNT    = Decimal("0.05")', 'DISCOUNT    = Decimal("0.10")') }, normalisations: ['inner_spaces'] },
  },
  {
    name: 'a Go file indented with tabs, answered with 4 spaces',
    format: 'unified_diff',
    answer: fence('diff', `--- a/tools/invtool/main.go
+++ b/tools/invtool/main.go
@@ -8,6 +8,7 @@
 func main() {
     if len(os.Args) < 2 {
         fmt.Println("usage: invtool <file>")
+        fmt.Println("  reads one invoice file")
         os.Exit(2)
     }
`),
    expect: { files: { 'tools/invtool/main.go': edit(MAIN_GO, '\t\tos.Exit(2)', '\t\tfmt.Println("  reads one invoice file")\n\t\tos.Exit(2)') }, normalisations: ['indentation'] },
  },
  {
    name: 'a new file and a change in one diff, unfenced, with prose around',
    format: 'unified_diff',
    answer: `I added a test for the empty invoice and the guard itself.

diff --git a/tests/test_tax.py b/tests/test_tax.py
new file mode 100644
--- /dev/null
+++ b/tests/test_tax.py
@@ -0,0 +1,7 @@
+from decimal import Decimal
+
+from invoicing.models import Invoice
+from invoicing.totals import tax
+
+def test_empty_invoice_has_no_tax():
+    assert tax(Invoice(number="x", customer="y")) == Decimal("0.00")
diff --git a/src/invoicing/totals.py b/src/invoicing/totals.py
--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -24,3 +24,5 @@ def subtotal(invoice: Invoice) -> Decimal:
 def tax(invoice: Invoice) -> Decimal:
+    if invoice.is_empty():
+        return Decimal("0.00")
     amount = subtotal(invoice) * TAX_RATE

Run the tests with pytest to confirm.
`,
    expect: {
      files: {
        [TOTALS]: TAX_FIXED,
        'tests/test_tax.py': 'from decimal import Decimal\n\nfrom invoicing.models import Invoice\nfrom invoicing.totals import tax\n\ndef test_empty_invoice_has_no_tax():\n    assert tax(Invoice(number="x", customer="y")) == Decimal("0.00")\n',
      },
      normalisations: ['note'],
    },
  },
  {
    name: 'repeated loop chosen by the stated line number',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -30,3 +30,3 @@
     total = Decimal("0")
     for line in invoice.lines:
-        total += line_total(line)
+        total += line_total(line) if line.quantity > 0 else Decimal("0")
`),
    expect: { files: { [TOTALS]: edit(TOTALS_PY, '        total += line_total(line)\n    if total', '        total += line_total(line) if line.quantity > 0 else Decimal("0")\n    if total') }, normalisations: ['line_numbers'] },
  },
  {
    name: 'a TypeScript method rewritten, plain ---/+++ headers',
    format: 'unified_diff',
    answer: `Simplify \`count()\` with \`reduce\`:\n\n${fence('diff', `--- packages/web/src/cart.ts
+++ packages/web/src/cart.ts
@@ -33,8 +33,6 @@ export class Cart {

   count(): number {
-    let sum = 0;
-    for (const item of this.items) {
-      sum += item.quantity;
-    }
-    return sum;
+    return this.items.reduce((n, item) => n + item.quantity, 0);
   }

   summary(): string {
`)}`,
    expect: { files: { 'packages/web/src/cart.ts': COUNT_FIXED } },
  },
  {
    name: 'the last line of a file without a final newline, marker missing',
    format: 'unified_diff',
    answer: fence('diff', `--- a/VERSION
+++ b/VERSION
@@ -1 +1 @@
-invoicing 1.4.2
+invoicing 1.4.3
`),
    expect: { files: { VERSION: 'invoicing 1.4.3' }, normalisations: ['eof_newline'] },
  },
  {
    name: 'the same change in two files of a monorepo folder',
    format: 'unified_diff',
    answer: fence('diff', `diff --git a/packages/web/src/util/strings.ts b/packages/web/src/util/strings.ts
index 3b18e51..a9c1f2d 100644
--- a/packages/web/src/util/strings.ts
+++ b/packages/web/src/util/strings.ts
@@ -1,3 +1,3 @@
-export function formatPrice(value: number): string {
-  return '$' + value.toFixed(2);
+export function formatPrice(value: number, currency = '$'): string {
+  return currency + value.toFixed(2);
 }
diff --git a/packages/web/src/cart.ts b/packages/web/src/cart.ts
index 1a2b3c4..5d6e7f8 100644
--- a/packages/web/src/cart.ts
+++ b/packages/web/src/cart.ts
@@ -42,3 +42,3 @@ export class Cart {
   summary(): string {
-    return \`\${this.count()} items, \${formatPrice(this.total())}\`;
+    return \`\${this.count()} items, \${formatPrice(this.total(), '€')}\`;
   }
`),
    expect: {
      files: {
        'packages/web/src/util/strings.ts': edit(STRINGS_TS, "export function formatPrice(value: number): string {\n  return '$' + value.toFixed(2);", "export function formatPrice(value: number, currency = '$'): string {\n  return currency + value.toFixed(2);"),
        'packages/web/src/cart.ts': edit(CART_TS, 'formatPrice(this.total())', "formatPrice(this.total(), '€')"),
      },
    },
  },
  {
    name: 'a new file written as a modification, without /dev/null',
    format: 'unified_diff',
    answer: fence('diff', `--- a/tests/test_format.py
+++ b/tests/test_format.py
@@ -0,0 +1,6 @@
+from decimal import Decimal
+
+from invoicing.format import Formatter
+
+def test_money():
+    assert Formatter().money(Decimal("2")) == "2.00 EUR"
`),
    expect: { files: { 'tests/test_format.py': 'from decimal import Decimal\n\nfrom invoicing.format import Formatter\n\ndef test_money():\n    assert Formatter().money(Decimal("2")) == "2.00 EUR"\n' }, normalisations: ['path'] },
  },
  {
    name: "an added blank line that lost its '+'",
    format: 'unified_diff',
    answer: fence('diff', `--- a/packages/web/src/util/strings.ts
+++ b/packages/web/src/util/strings.ts
@@ -1,5 +1,12 @@
 export function formatPrice(value: number): string {
   return '$' + value.toFixed(2);
 }
+
+export function formatCount(n: number): string {
+  return n === 1 ? '1 item' : \`\${n} items\`;
+}

+export function formatPercent(x: number): string {
+  return \`\${(x * 100).toFixed(0)}%\`;
+}

 export function slug(text: string): string {
`),
    expect: {
      files: { 'packages/web/src/util/strings.ts': edit(STRINGS_TS, "toFixed(2);\n}\n", "toFixed(2);\n}\n\nexport function formatCount(n: number): string {\n  return n === 1 ? '1 item' : `${n} items`;\n}\n\nexport function formatPercent(x: number): string {\n  return `${(x * 100).toFixed(0)}%`;\n}\n") },
      normalisations: ['blank_lines'],
    },
  },
];

export const FIXTURE_FILES = FILES;
