// The repository every corpus case runs against, and small builders for patch text.
import { symlinkSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { gitIn, makeRepo } from '../helpers/repo.js';

export const APP = [
  'import re',
  '',
  '',
  'def slugify(text):',
  '    """Lower-case, ASCII-only slug."""',
  '    text = text.lower()',
  '    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")',
  '',
  '',
  'def title(text):',
  '    return text.title()',
  '',
  '',
  'def shout(text):',
  '    return text.upper() + "!"',
  '',
].join('\n');

export function makeCorpusRepo(): string {
  const repo = makeRepo({
    'src/app.py': APP,
    'src/util.py': 'def add(a, b):\n    return a + b\n',
    'tests/test_app.py': 'from src.app import slugify\n\n\ndef test_slug():\n    assert slugify("A B") == "a-b"\n',
    'README.md': '# demo\n',
    'crlf.txt': 'one\r\ntwo\r\nthree\r\n',
    'nonl.txt': 'first\nlast',
    'a b.txt': 'space\n',
    'a"b.txt': 'quote\n',
    'é.txt': 'accent\n',
    'bin/run.sh': '#!/bin/sh\necho hi\n',
    'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 255]),
    '.env': 'TOKEN=x\n',
    'docs/guide.md': 'guide\n',
  });
  chmodSync(join(repo, 'bin/run.sh'), 0o755);
  symlinkSync('src', join(repo, 'linkdir'));
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', 'fixtures');
  return repo;
}

/** A one-line change in a git-style diff. */
export function modify(path: string, oldLine: string, newLine: string, prefixA = 'a/', prefixB = 'b/'): string {
  return `diff --git ${prefixA}${path} ${prefixB}${path}\n--- ${prefixA}${path}\n+++ ${prefixB}${path}\n@@ -1 +1 @@\n-${oldLine}\n+${newLine}\n`;
}

/** A new file in a git-style diff. */
export function create(path: string, lines: string[], mode = '100644'): string {
  return `diff --git a/${path} b/${path}\nnew file mode ${mode}\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
}

/** A realistic two-hunk change to src/app.py (the style of a real bug fix). */
export const TWO_HUNKS = `diff --git a/src/app.py b/src/app.py
index 1111111..2222222 100644
--- a/src/app.py
+++ b/src/app.py
@@ -1,7 +1,10 @@
 import re
+import unicodedata
 
 
 def slugify(text):
     """Lower-case, ASCII-only slug."""
-    text = text.lower()
+    text = unicodedata.normalize("NFKD", text)
+    text = text.encode("ascii", "ignore").decode("ascii")
+    text = text.lower()
     return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
@@ -12,4 +15,4 @@ def title(text):
 
 
 def shout(text):
-    return text.upper() + "!"
+    return f"{text.upper()}!"
`;
