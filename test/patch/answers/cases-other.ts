// Correct answers in the other three formats: apply_patch as Codex writes it,
// aider-style SEARCH/REPLACE blocks, and the JSON patch (fenced, with prose, with an
// `old` text whose indentation is off).
import { CART_TS, FORMAT_PY, MODELS_PY, SETTINGS_INI, STRINGS_TS, TOTALS_PY, edit } from './fixture.js';
import { fence, type AnswerCase } from './case.js';

const TOTALS = 'src/invoicing/totals.py';
const PLAIN_MONEY = edit(FORMAT_PY, '    def money(self, amount: Decimal) -> str:\n        return f"{amount:.2f} {self.currency}"\n\n    def header(self, number: str) -> str:\n        return f"INVOICE', '    def money(self, amount: Decimal) -> str:\n        return f"{amount:.2f}"\n\n    def header(self, number: str) -> str:\n        return f"INVOICE');
const json = (v: unknown) => JSON.stringify(v, null, 2);

export const OTHER_CASES: AnswerCase[] = [
  // ---- apply_patch
  {
    name: 'Update File with an @@ anchor',
    format: 'apply_patch',
    answer: `*** Begin Patch
*** Update File: src/invoicing/totals.py
@@ def discount(invoice: Invoice) -> Decimal:
-    total = Decimal("0")
-    for line in invoice.lines:
-        total += line_total(line)
+    total = subtotal(invoice)
     if total > THRESHOLD:
         return total * DISCOUNT
*** End Patch
`,
    expect: {
      files: { [TOTALS]: edit(TOTALS_PY, '    total = Decimal("0")\n    for line in invoice.lines:\n        total += line_total(line)\n    if total > THRESHOLD:', '    total = subtotal(invoice)\n    if total > THRESHOLD:') },
      normalisations: ['format'],
    },
  },
  {
    name: 'repeated method told apart by two @@ anchors',
    format: 'apply_patch',
    answer: `Plain invoices should not print the currency:

\`\`\`
*** Begin Patch
*** Update File: src/invoicing/format.py
@@ class PlainFormatter(Formatter):
@@     def money(self, amount: Decimal) -> str:
-        return f"{amount:.2f} {self.currency}"
+        return f"{amount:.2f}"
*** End Patch
\`\`\`
`,
    expect: { files: { 'src/invoicing/format.py': PLAIN_MONEY }, normalisations: ['line_numbers'] },
  },
  {
    name: 'Add File and Update File, first chunk without @@',
    format: 'apply_patch',
    answer: `*** Begin Patch
*** Add File: tests/test_models.py
+from invoicing.models import Invoice
+
+
+def test_new_invoice_is_empty():
+    assert Invoice(number="1", customer="c").is_empty()
*** Update File: src/invoicing/models.py
     def is_empty(self) -> bool:
-        return not self.lines
+        return len(self.lines) == 0
*** End Patch`,
    expect: {
      files: {
        'tests/test_models.py': 'from invoicing.models import Invoice\n\n\ndef test_new_invoice_is_empty():\n    assert Invoice(number="1", customer="c").is_empty()\n',
        'src/invoicing/models.py': edit(MODELS_PY, 'return not self.lines', 'return len(self.lines) == 0'),
      },
    },
  },
  {
    name: 'chunk at the end of the file with *** End of File',
    format: 'apply_patch',
    answer: `*** Begin Patch
*** Update File: packages/web/src/util/strings.ts
@@ export function slug(text: string): string {
   return text.toLowerCase().replace(/\\s+/g, '-');
 }
+
+export function titleCase(text: string): string {
+  return text.replace(/\\b\\w/g, (c) => c.toUpperCase());
+}
*** End of File
*** End Patch
`,
    expect: { files: { 'packages/web/src/util/strings.ts': `${STRINGS_TS}\nexport function titleCase(text: string): string {\n  return text.replace(/\\b\\w/g, (c) => c.toUpperCase());\n}\n` } },
  },
  {
    name: "apply_patch <<'EOF' as Codex invokes it",
    format: 'apply_patch',
    answer: `apply_patch <<'EOF'
*** Begin Patch
*** Update File: config/settings.ini
@@ [export]
-format = pdf
+format = html
*** End Patch
EOF
`,
    expect: { files: { 'config/settings.ini': edit(SETTINGS_INI, 'format = pdf\r\n', 'format = html\r\n') }, normalisations: ['envelope', 'crlf'] },
  },
  // ---- SEARCH/REPLACE
  {
    name: 'aider style: path line before the fence',
    format: 'search_replace',
    answer: `To make discount reuse subtotal:

src/invoicing/totals.py
\`\`\`python
<<<<<<< SEARCH
    total = Decimal("0")
    for line in invoice.lines:
        total += line_total(line)
    if total > THRESHOLD:
=======
    total = subtotal(invoice)
    if total > THRESHOLD:
>>>>>>> REPLACE
\`\`\`
`,
    expect: { files: { [TOTALS]: edit(TOTALS_PY, '    total = Decimal("0")\n    for line in invoice.lines:\n        total += line_total(line)\n    if total > THRESHOLD:', '    total = subtotal(invoice)\n    if total > THRESHOLD:') }, normalisations: ['format', 'note'] },
  },
  {
    name: 'two files, blocks fenced one by one, prose between',
    format: 'search_replace',
    answer: `First the helper:

packages/web/src/util/strings.ts
\`\`\`typescript
<<<<<<< SEARCH
  return '$' + value.toFixed(2);
=======
  return '$' + value.toFixed(2).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');
>>>>>>> REPLACE
\`\`\`

Then use it in the cart summary:

packages/web/src/cart.ts
\`\`\`typescript
<<<<<<< SEARCH
    return \`\${this.count()} items, \${formatPrice(this.total())}\`;
=======
    return \`\${this.count()} item(s), \${formatPrice(this.total())}\`;
>>>>>>> REPLACE
\`\`\`
`,
    expect: {
      files: {
        'packages/web/src/util/strings.ts': edit(STRINGS_TS, "value.toFixed(2);", "value.toFixed(2).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');"),
        'packages/web/src/cart.ts': edit(CART_TS, '} items, ', '} item(s), '),
      },
    },
  },
  {
    name: 'path as the first line inside the fence',
    format: 'search_replace',
    answer: `\`\`\`
src/invoicing/models.py
<<<<<<< SEARCH
    def add(self, line: Line) -> None:
        self.lines.append(line)
=======
    def add(self, line: Line) -> None:
        if line.quantity <= 0:
            raise ValueError("quantity must be positive")
        self.lines.append(line)
>>>>>>> REPLACE
\`\`\`
`,
    expect: { files: { 'src/invoicing/models.py': edit(MODELS_PY, '        self.lines.append(line)', '        if line.quantity <= 0:\n            raise ValueError("quantity must be positive")\n        self.lines.append(line)') } },
  },
  {
    name: 'SEARCH and REPLACE both de-indented',
    format: 'search_replace',
    answer: `packages/web/src/cart.ts
\`\`\`ts
<<<<<<< SEARCH
remove(sku: string): void {
  this.items = this.items.filter((i) => i.sku !== sku);
}
=======
remove(sku: string): boolean {
  const before = this.items.length;
  this.items = this.items.filter((i) => i.sku !== sku);
  return this.items.length < before;
}
>>>>>>> REPLACE
\`\`\`
`,
    expect: {
      files: { 'packages/web/src/cart.ts': edit(CART_TS, '  remove(sku: string): void {\n    this.items', '  remove(sku: string): boolean {\n    const before = this.items.length;\n    this.items').replace('i.sku !== sku);\n  }', 'i.sku !== sku);\n    return this.items.length < before;\n  }') },
      normalisations: ['indentation'],
    },
  },
  {
    name: 'empty SEARCH creates a new file',
    format: 'search_replace',
    answer: `packages/web/src/util/money.ts
\`\`\`ts
<<<<<<< SEARCH
=======
export const CURRENCY = 'EUR';
>>>>>>> REPLACE
\`\`\`
`,
    expect: { files: { 'packages/web/src/util/money.ts': "export const CURRENCY = 'EUR';\n" } },
  },
  // ---- JSON patch
  {
    name: 'fenced JSON between two sentences',
    format: 'json_patch',
    answer: `Here is the JSON patch:\n\n${fence('json', json({ summary: 'Guard against empty invoices in tax()', edits: [{ op: 'replace', path: TOTALS, old: '    amount = subtotal(invoice) * TAX_RATE\n', new: '    if invoice.is_empty():\n        return Decimal("0.00")\n    amount = subtotal(invoice) * TAX_RATE\n' }] }))}\nIt returns zero tax for an invoice with no lines.\n`,
    expect: { files: { [TOTALS]: edit(TOTALS_PY, '    amount = subtotal(invoice) * TAX_RATE\n', '    if invoice.is_empty():\n        return Decimal("0.00")\n    amount = subtotal(invoice) * TAX_RATE\n') }, normalisations: ['note', 'format'] },
  },
  {
    name: 'JSON old text with the wrong indentation',
    format: 'json_patch',
    answer: json({ edits: [{ op: 'replace', path: 'src/invoicing/format.py', old: 'def header(self, number: str) -> str:\n    return f"Invoice {number}"', new: 'def header(self, number: str) -> str:\n    return f"Invoice #{number}"' }] }),
    expect: { files: { 'src/invoicing/format.py': edit(FORMAT_PY, 'f"Invoice {number}"', 'f"Invoice #{number}"') }, normalisations: ['indentation'] },
  },
  {
    name: 'JSON create and a replace in a CRLF file',
    format: 'json_patch',
    answer: json({ edits: [{ op: 'create', path: 'config/README.md', content: 'Settings for the invoicing tool.\n' }, { op: 'replace', path: 'config/settings.ini', old: 'currency = EUR\ntax_rate = 0.20', new: 'currency = USD\ntax_rate = 0.20' }] }),
    expect: { files: { 'config/README.md': 'Settings for the invoicing tool.\n', 'config/settings.ini': edit(SETTINGS_INI, 'currency = EUR', 'currency = USD') }, normalisations: ['crlf'] },
  },
  {
    name: 'JSON overwrite of a whole file',
    format: 'json_patch',
    answer: json({ edits: [{ op: 'overwrite', path: 'packages/web/src/util/strings.ts', content: "export function formatPrice(value: number): string {\n  return '$' + value.toFixed(2);\n}\n" }] }),
    expect: { files: { 'packages/web/src/util/strings.ts': "export function formatPrice(value: number): string {\n  return '$' + value.toFixed(2);\n}\n" } },
  },
];
