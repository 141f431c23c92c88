// Lazy-elision placeholders: what stands for code (refused) and what is code or a real
// comment (kept), including `...` that is Python's Ellipsis or a spread.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeholderKind } from '../../src/patch/answer/elision.js';
import { readAnswer } from '../../src/patch/answer/index.js';

const PLACEHOLDERS = [
  '// ... existing code ...', '# ... existing code ...', '// ... validation ...', '// rest of the function unchanged', '# ... rest unchanged ...',
  '[rest of file]', '[rest of file unchanged]', '[... unchanged ...]', '<!-- unchanged -->', '...', '…', '# ...', '// ...', '/* ... */', '{/* ... */}',
  '// existing code here', '// (unchanged)', '// ... keep the rest ...', '# Other methods remain unchanged', '// rest of code', '# previous implementation',
  '/* existing styles */', '# (code omitted)', '// ...rest of the file', '// other tests unchanged', '// remaining imports', '# imports unchanged', '-- rest of the query unchanged',
  // Found probing answers as models write them: these were applied as deletions.
  '# keep the rest as is', '// Keep existing implementation', '# Leave the rest untouched', '# everything else stays the same', '# Everything below is unchanged',
  '# rest is the same', '// keep as is', '# no other changes', '# same as above', '# ...and so on', '// unchanged code below', '# original code continues',
  'pass  # ... rest unchanged', '}  // rest of the file unchanged', '}  // ...', 'return Reading(  # ...', 'const routes = [ // ... existing routes',
];
const NOT_PLACEHOLDERS = [
  '# TODO: implement', '// return the input unchanged', '# Non-string values pass through unchanged', 'x = [...items]', '...props,', 'return { ...state, done: true };',
  '# keep the existing behaviour for None', '// See https://example.com/...', 'print("...")', '# wait for it...', '// handle the rest of the arguments below by recursion',
  'const rest = args.slice(1);', '# ... which is why we retry', 'def f(*args): ...',
  '# keep the current config', 'parse(  # see RFC 3339', 'items = [  # sorted by date', '// keep existing sessions alive', '# keep the original settings', '}  // end of class', 'x = 1  # rest unchanged', '# no other changes needed here',
];

test('placeholders that stand for code', () => {
  for (const l of PLACEHOLDERS) assert.ok(placeholderKind(l) !== null, l);
});

test('comments and code that only look like placeholders', () => {
  for (const l of NOT_PLACEHOLDERS) assert.is(placeholderKind(l), null, l);
});

const diff = (path: string, body: string) => `--- a/${path}\n+++ b/${path}\n@@ -1,3 +1,3 @@\n${body}`;

test("a Python stub's '...' body and a '...' already in the old text are code, not elision", () => {
  const stub = readAnswer(diff('src/proto.py', ' class Store(Protocol):\n-    def get(self, key: str) -> str: pass\n+    def get(self, key: str) -> str:\n+        ...\n'));
  assert.ok(stub.ok, stub.ok ? '' : stub.refusal.reason);
  const kept = readAnswer(diff('src/app.ts', ' function f() {\n-  // ... existing code ...\n+  // ... existing code ...\n+  g();\n }\n'));
  assert.ok(kept.ok, kept.ok ? '' : kept.refusal.reason);
});

test("a lone '...' replacing Python code is elision; in a TypeScript file any new lone '...' is", () => {
  const py = readAnswer(diff('src/app.py', ' def f(x):\n-    y = x * 2\n-    return y\n+    ...\n+    return x * 2\n'));
  assert.ok(!py.ok && py.refusal.check === 'elision', JSON.stringify(py));
  const ts = readAnswer(diff('src/app.ts', ' function f() {\n+  ...\n   return 1;\n'));
  assert.ok(!ts.ok && ts.refusal.check === 'elision');
  // Prose files may hold '...' as text.
  const md = readAnswer(diff('docs/a.md', ' Intro\n-old\n+...\n'));
  assert.ok(md.ok);
});

test.run();
