// Answers that must be refused with the tree untouched: lazy elision in every format,
// ambiguous and unlocatable hunks, several patches, shell next to a patch, a path the
// task may not touch, a format the policy does not accept.
import { fence, type AnswerCase } from './case.js';

const json = (v: unknown) => JSON.stringify(v, null, 2);

export const REFUSED_CASES: AnswerCase[] = [
  // ---- lazy elision
  {
    name: "'// ... existing code ...' in a TypeScript diff",
    format: 'unified_diff',
    answer: `Update \`add\`:\n\n${fence('diff', `--- a/packages/web/src/cart.ts
+++ b/packages/web/src/cart.ts
@@ -13,8 +13,4 @@ export class Cart {
   add(item: CartItem): void {
-    const existing = this.items.find((i) => i.sku === item.sku);
-    if (existing) {
-      existing.quantity += item.quantity;
-      return;
-    }
+    // ... existing code ...
     this.items.push({ ...item });
   }
`)}`,
    expect: { refused: /lazy elision: answer line 13 \('\/\/ \.\.\. existing code \.\.\.'\) in packages\/web\/src\/cart\.ts/, check: 'elision' },
  },
  {
    name: "'# rest of the function unchanged' in a REPLACE block",
    format: 'search_replace',
    answer: `src/invoicing/totals.py
\`\`\`python
<<<<<<< SEARCH
def discount(invoice: Invoice) -> Decimal:
    total = Decimal("0")
    for line in invoice.lines:
        total += line_total(line)
    if total > THRESHOLD:
        return total * DISCOUNT
    return Decimal("0")
=======
def discount(invoice: Invoice) -> Decimal:
    total = subtotal(invoice)
    # rest of the function unchanged
>>>>>>> REPLACE
\`\`\`
`,
    expect: { refused: /lazy elision: answer line 14 \('# rest of the function unchanged'\)/, check: 'elision' },
  },
  {
    name: "'[rest of file unchanged]' in a JSON overwrite",
    format: 'json_patch',
    answer: json({ edits: [{ op: 'overwrite', path: 'src/invoicing/models.py', content: 'from dataclasses import dataclass, field\nfrom decimal import Decimal\n\n[rest of file unchanged]\n' }] }),
    expect: { refused: /lazy elision: .*'\[rest of file unchanged\]'\) in src\/invoicing\/models\.py/, check: 'elision' },
  },
  {
    name: "a lone '...' in an apply_patch chunk",
    format: 'apply_patch',
    answer: `*** Begin Patch
*** Update File: packages/web/src/cart.ts
@@ total(): number {
-    let sum = 0;
-    for (const item of this.items) {
-      sum += item.price * item.quantity;
-    }
-    return sum;
+    ...
+    return Math.round(sum * 100) / 100;
*** End Patch
`,
    expect: { refused: /lazy elision: answer line 9 \('\.\.\.'\)/, check: 'elision' },
  },
  {
    name: "'...' standing for lines in a SEARCH block",
    format: 'search_replace',
    answer: `src/invoicing/totals.py
<<<<<<< SEARCH
def grand_total(invoice: Invoice) -> Decimal:
    ...
=======
def grand_total(invoice: Invoice) -> Decimal:
    return (subtotal(invoice) + tax(invoice) - discount(invoice)).quantize(Decimal("0.01"))
>>>>>>> REPLACE
`,
    expect: { refused: /lazy elision: .*answer line 4 \('\.\.\.'\) stands for lines of src\/invoicing\/totals\.py/, check: 'elision' },
  },
  // ---- cannot be placed
  {
    name: 'the loop that occurs twice, with no line numbers',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ ... @@
     total = Decimal("0")
     for line in invoice.lines:
-        total += line_total(line)
+        total += line.quantity * line.unit_price
`),
    expect: { refused: /hunk 1 \(answer line 4\) matches 2 places, at lines 18 and 30; add unchanged lines around the change/, check: 'locate' },
  },
  {
    name: 'the loop that occurs twice, stated line pointing at neither',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -24,3 +24,3 @@
     total = Decimal("0")
     for line in invoice.lines:
-        total += line_total(line)
+        total += line.quantity * line.unit_price
`),
    expect: { refused: /matches 2 places, at lines 18 and 30 \(the stated line 24 points at none of them\)/, check: 'locate' },
  },
  {
    name: 'identical method bodies in two classes, anchor too coarse',
    format: 'apply_patch',
    answer: `*** Begin Patch
*** Update File: src/invoicing/format.py
@@ def money(self, amount: Decimal) -> str:
-        return f"{amount:.2f} {self.currency}"
+        return f"{amount:,.2f} {self.currency}"
*** End Patch
`,
    expect: { refused: /chunk 1 \(answer line 3\) matches 2 places, at lines 9 and 17/, check: 'locate' },
  },
  {
    name: 'a reworded context line',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/totals.py
+++ b/src/invoicing/totals.py
@@ -11,4 +11,4 @@
 def line_total(line: Line) -> Decimal:
     """Quantity times unit price, excluding tax."""
-    total = line.quantity * line.unit_price
+    total = Decimal(line.quantity) * line.unit_price
     return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
`),
    expect: { refused: /does not match the file: the closest place is lines 11-14 of src\/invoicing\/totals\.py, where 3 of 4 lines agree — line 12: expected '    """Quantity times unit price, excluding tax\."""', found '    """Quantity times unit price, before tax\."""'/, check: 'locate' },
  },
  {
    // Every line agrees once indentation is ignored, but by different amounts (the def
    // line is right, the body lost 2 spaces): the reason used to end in 'where 2 of 2
    // lines agree — ;' and show nothing.
    name: 'a JSON old text indented by different amounts on different lines',
    format: 'json_patch',
    answer: JSON.stringify({ edits: [{ op: 'replace', path: 'src/invoicing/totals.py', old: 'def subtotal(invoice: Invoice) -> Decimal:\n  total = Decimal("0")', new: 'def subtotal(invoice: Invoice) -> Decimal:\n  total = Decimal("0.00")' }] }),
    expect: { refused: /the closest place is lines 17-18 of src\/invoicing\/totals\.py, where all 2 lines agree except in indentation — line 18: expected '  total = Decimal\("0"\)' \(2 spaces\), found '    total = Decimal\("0"\)' \(4 spaces\); the indentation is not off by one amount/, check: 'locate' },
  },
  {
    name: 'context lines in the wrong order',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/models.py
+++ b/src/invoicing/models.py
@@ -6,4 +6,4 @@
 class Line:
     quantity: int
     description: str
-    unit_price: Decimal
+    unit_price: Decimal = Decimal("0")
`),
    expect: { refused: /hunk 1 \(answer line 4\) does not match the file: the closest place is lines 6-9 of src\/invoicing\/models\.py, where 2 of 4 lines agree — line 7: expected '    quantity: int', found '    description: str'; line 8: expected '    description: str', found '    quantity: int'/, check: 'locate' },
  },
  {
    name: 'a hunk with only added lines and a line number',
    format: 'unified_diff',
    answer: fence('diff', `--- a/src/invoicing/models.py
+++ b/src/invoicing/models.py
@@ -2,0 +3,1 @@
+from typing import Optional
`),
    expect: { refused: /hunk 1 \(answer line 4\) has no unchanged or removed lines, so it cannot be placed by content/, check: 'locate' },
  },
  {
    name: 'two hunks changing the same line differently',
    format: 'unified_diff',
    answer: fence('diff', `--- a/VERSION
+++ b/VERSION
@@ -1 +1 @@
-invoicing 1.4.2
+invoicing 1.4.3
@@ -1 +1 @@
-invoicing 1.4.2
+invoicing 1.5.0
`),
    expect: { refused: /VERSION: hunk 1 \(answer line 4\) and hunk 2 \(answer line 7\) change the same lines/, check: 'locate' },
  },
  // ---- not one patch
  {
    name: 'two fenced diffs',
    format: 'unified_diff',
    answer: `First:\n${fence('diff', '--- a/VERSION\n+++ b/VERSION\n@@ -1 +1 @@\n-invoicing 1.4.2\n+invoicing 1.4.3\n')}\nOr, if you prefer a minor release:\n${fence('diff', '--- a/VERSION\n+++ b/VERSION\n@@ -1 +1 @@\n-invoicing 1.4.2\n+invoicing 1.5.0\n')}`,
    expect: { refused: /contains 2 fenced code blocks that hold patch text \(lines 2, 11\)/, check: 'contract' },
  },
  {
    name: 'a diff and a shell block',
    format: 'unified_diff',
    answer: `${fence('diff', '--- a/VERSION\n+++ b/VERSION\n@@ -1 +1 @@\n-invoicing 1.4.2\n+invoicing 1.4.3\n')}\nThen tag the release:\n\n${fence('bash', 'git tag v1.4.3 && git push --tags')}`,
    expect: { refused: /the answer contains a bash block \('git tag v1\.4\.3/, check: 'contract' },
  },
  {
    name: 'a diff and SEARCH/REPLACE blocks',
    format: 'unified_diff',
    answer: `${fence('diff', '--- a/VERSION\n+++ b/VERSION\n@@ -1 +1 @@\n-invoicing 1.4.2\n+invoicing 1.4.3\n')}\nsrc/invoicing/models.py\n${fence('python', '<<<<<<< SEARCH\n        return not self.lines\n=======\n        return len(self.lines) == 0\n>>>>>>> REPLACE')}`,
    expect: { refused: /holds two patches: SEARCH\/REPLACE blocks .* and a unified diff/, check: 'contract' },
  },
  {
    name: 'a diagnosis in prose, no patch',
    format: 'unified_diff',
    answer: 'The discount is computed from a hand-written loop; call subtotal() instead so both agree.\n',
    expect: { refused: /the answer contains no patch/, check: 'contract' },
  },
  // ---- the gate's own rules still hold
  {
    name: 'a file outside allowed_files is never read',
    format: 'search_replace',
    answer: `.env\n\`\`\`\n<<<<<<< SEARCH\nSTRIPE_KEY=sk_live_guess\n=======\nSTRIPE_KEY=sk_test_123\n>>>>>>> REPLACE\n\`\`\`\n`,
    expect: { refused: /^\.env matches safety\.forbidden_paths/, check: ['forbidden-paths', 'allowed-files'] },
  },
  {
    name: 'a format the policy does not accept',
    format: 'apply_patch',
    accept: ['unified_diff', 'json_patch'],
    answer: '*** Begin Patch\n*** Update File: VERSION\n-invoicing 1.4.2\n+invoicing 1.4.3\n*** End Patch\n',
    expect: { refused: /the answer is apply_patch patch, which this role does not accept \(policy answers\.accept: unified_diff, json_patch\)/, check: 'contract' },
  },
];
