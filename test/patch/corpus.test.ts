// A table of adversarial and valid proposals, each gated in a real repository with real
// `git apply --check`. Every case names its expected verdict and the checks that fail;
// accepted cases are applied and rolled back, and the tree must come back byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Safety } from '../../src/types/generated/index.js';
import { cleanup } from '../helpers/repo.js';
import { defaultPolicy, makePatchHarness, porcelain, snapshotExact } from '../steps/patch-harness.js';
import { TWO_HUNKS, create, makeCorpusRepo, modify } from './corpus-repo.js';

type Expect =
  | { verdict: 'ok' }
  | { verdict: 'contract'; reason: RegExp; check?: 'contract' | 'elision' }
  | { verdict: 'refused'; failing: string[]; reason?: RegExp }
  | { verdict: 'misfit'; failing: string[]; reason?: RegExp };

interface Case {
  name: string;
  text: string;
  expect: Expect;
  safety?: Partial<Safety>;
  maxBytes?: number;
  allowed?: string[];
}

const contract = (reason: RegExp): Expect => ({ verdict: 'contract', reason });
const refused = (failing: string[], reason?: RegExp): Expect => ({ verdict: 'refused', failing, reason });
const OK: Expect = { verdict: 'ok' };
// A one-line change needs trailing context: git anchors a context-free hunk to both ends of the file.
const APP_OS = 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n-import re\n+import os\n \n';
const BINARY = 'diff --git a/logo.png b/logo.png\nindex 67c1c7c1783d7da6bdab0148caff749f8be51a10..811f7112291aaf1f09864bdc74f30da42c6f30cb 100644\nGIT binary patch\nliteral 11\nScmeAS@N;KiWMX0X#|{7xCjxr_\n\nliteral 10\nRcmeAS@N;KiWMXFc4*(6S0(1ZX\n\n';
const json = (value: unknown) => JSON.stringify(value, null, 2);
const gitRename = (from: string, to: string) => `diff --git a/${from} b/${to}\nsimilarity index 100%\nrename from ${from}\nrename to ${to}\n`;

const cases: Case[] = [
  // ---- contract: not a patch at all
  { name: 'empty answer', text: '', expect: contract(/the answer is empty/) },
  { name: 'whitespace only', text: '  \n\n\t\n', expect: contract(/the answer is empty/) },
  { name: 'prose only', text: 'The bug is in slugify: it does not strip accents.\n', expect: contract(/the answer contains no patch \(line 1 is text: 'The bug is in slugify/) },
  // Prose around exactly one patch is the answer's note (issue 12): these three are accepted now.
  { name: 'prose before a diff', text: `Here is the fix:\n${APP_OS}`, expect: OK },
  { name: 'prose after a diff', text: `${APP_OS}\nThis should fix it.\n`, expect: OK },
  { name: 'two fenced blocks', text: `\`\`\`diff\n${APP_OS}\`\`\`\n\n\`\`\`diff\n${modify('src/util.py', 'def add(a, b):', 'def add(a, b, c=0):')}\`\`\`\n`, expect: contract(/contains 2 fenced code blocks/) },
  { name: 'fenced block with prose outside', text: `Sure! Here you go:\n\`\`\`diff\n${APP_OS}\`\`\`\n`, expect: OK },
  { name: 'two fenced patches for two files', text: `\`\`\`diff\n${APP_OS}\`\`\`\nand\n\`\`\`diff\n${modify('src/util.py', 'def add(a, b):', 'def add(a, b, c=0):')}\`\`\`\n`, expect: contract(/contains 2 fenced code blocks that hold patch text \(lines 1, 11\)/) },
  { name: 'shell block next to the patch', text: `\`\`\`diff\n${APP_OS}\`\`\`\nThen run:\n\`\`\`bash\npytest -q\n\`\`\`\n`, expect: contract(/line 11: the answer contains a bash block \('pytest -q'\); pipe never runs commands/) },
  { name: 'a diff and a JSON patch', text: `${APP_OS}\n\`\`\`json\n${json({ edits: [{ op: 'replace', path: 'src/util.py', old: 'a + b', new: 'b + a' }] })}\n\`\`\`\n`, expect: contract(/holds two patches/) },
  { name: 'lazy elision in a diff', text: 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -4,4 +4,2 @@\n def slugify(text):\n-    """Lower-case, ASCII-only slug."""\n-    text = text.lower()\n+    # ... existing code ...\n     return re.sub(r"[^a-z0-9]+", "-", text).strip("-")\n', expect: { verdict: 'contract', reason: /lazy elision: answer line 8 \('# \.\.\. existing code \.\.\.'\)/, check: 'elision' } },
  { name: 'unterminated fence', text: `\`\`\`diff\n${APP_OS}`, expect: contract(/never closed/) },
  { name: 'empty fenced block', text: '```diff\n\n```\n', expect: contract(/fenced block is empty/) },
  { name: 'shell heredoc', text: `git apply <<'EOF'\n${APP_OS}EOF\n`, expect: contract(/line 1: the answer contains a shell command/) },
  { name: 'shell prompt command', text: '$ sed -i s/re/os/ src/app.py\n', expect: contract(/shell command/) },
  // Two sections for one file merge; these two change the same line, so they are refused.
  { name: 'two diffs for one file', text: APP_OS + APP_OS.replace('import os', 'import sys'), expect: { verdict: 'misfit', failing: ['locate'], reason: /hunk 1 \(answer line 4\) and hunk 2 \(answer line 11\) change the same lines/ } },
  // Counts are hints now (issue 12): wrong counts and a header without its closing '@@' are read by content.
  { name: 'hunk header overcounts', text: 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1,5 +1,5 @@\n-import re\n+import os\n \n \n def slugify(text):\n', expect: OK },
  { name: 'hunk header undercounts', text: 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1,1 +1,1 @@\n-import re\n+import os\n+import sys\n', expect: OK },
  { name: 'hunk body with too many removals', text: 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1,1 +1,2 @@\n-import re\n-\n+import os\n', expect: OK },
  { name: 'hunk header without its closing @@', text: 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1\n-import re\n+import os\n', expect: OK },
  { name: 'malformed hunk header', text: 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@x -1 +1 @@\n-import re\n+import os\n', expect: contract(/line 4: malformed hunk header/) },
  { name: 'hunk without file headers', text: '@@ -1 +1 @@\n-import re\n+import os\n', expect: contract(/line 1: hunk header without file headers/) },
  { name: '--- without +++', text: '--- a/src/app.py\n@@ -1 +1 @@\n-import re\n+import os\n', expect: contract(/line 1: '--- a\/src\/app.py' has no '\+\+\+ b\/<path>' line after it/) },
  { name: 'garbage in git extended header', text: 'diff --git a/src/app.py b/src/app.py\nrm -rf /\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-import re\n+import os\n', expect: contract(/line 2: unexpected line in the header/) },
  { name: 'git diff with no hunks', text: 'diff --git a/src/app.py b/src/app.py\nindex 1111111..2222222 100644\n', expect: contract(/has no hunks/) },
  { name: 'invalid JSON', text: '{"edits": [ {"op": "replace", }', expect: contract(/not valid JSON/) },
  { name: 'JSON missing a field', text: json({ edits: [{ op: 'replace', path: 'src/app.py', new: 'x' }] }), expect: contract(/does not match proposal.schema.json: \/edits\/0 must have required property 'old'/) },
  { name: 'JSON array', text: json([{ op: 'delete', path: 'src/app.py' }]), expect: contract(/is an array/) },
  // ---- valid patches
  { name: 'git diff, one line', text: APP_OS, expect: OK },
  { name: 'fenced diff', text: `\`\`\`diff\n${APP_OS}\`\`\`\n`, expect: OK },
  { name: 'plain diff without prefixes', text: '--- src/util.py\n+++ src/util.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a + b\n+    return b + a\n', expect: OK },
  { name: 'realistic two-hunk fix', text: TWO_HUNKS, expect: OK },
  { name: 'CRLF file', text: 'diff --git a/crlf.txt b/crlf.txt\n--- a/crlf.txt\n+++ b/crlf.txt\n@@ -1,3 +1,3 @@\n one\r\n-two\r\n+TWO\r\n three\r\n', expect: OK },
  { name: 'no newline at end of file', text: 'diff --git a/nonl.txt b/nonl.txt\n--- a/nonl.txt\n+++ b/nonl.txt\n@@ -1,2 +1,2 @@\n first\n-last\n\\ No newline at end of file\n+LAST\n\\ No newline at end of file\n', expect: OK },
  { name: 'file name with a space (git tab marker)', text: 'diff --git a/a b.txt b/a b.txt\n--- a/a b.txt\t\n+++ b/a b.txt\t\n@@ -1 +1 @@\n-space\n+SPACE\n', expect: OK },
  { name: 'git-quoted name with a quote', text: 'diff --git "a/a\\"b.txt" "b/a\\"b.txt"\n--- "a/a\\"b.txt"\n+++ "b/a\\"b.txt"\n@@ -1 +1 @@\n-quote\n+QUOTE\n', expect: OK },
  { name: 'git-quoted unicode name', text: 'diff --git "a/\\303\\251.txt" "b/\\303\\251.txt"\n--- "a/\\303\\251.txt"\n+++ "b/\\303\\251.txt"\n@@ -1 +1 @@\n-accent\n+ACCENT\n', expect: OK },
  { name: 'new file in a new folder', text: create('src/pkg/deep/mod.py', ['X = 1']), expect: OK },
  { name: 'JSON replace', text: json({ summary: 'swap', edits: [{ op: 'replace', path: 'src/util.py', old: 'return a + b', new: 'return b + a' }] }), expect: OK },
  { name: 'JSON create and CRLF replace', text: json({ edits: [{ op: 'create', path: 'src/new_mod.py', content: 'Y = 2\n' }, { op: 'replace', path: 'crlf.txt', old: 'two\nthree', new: 'deux\ntrois' }] }), expect: OK },
  { name: 'empty blank context line (mangled by a mailer)', text: 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1,3 +1,3 @@\n-import re\n+import os\n\n \n', expect: OK },
  // ---- unsafe: paths
  { name: 'traversal ../', text: modify('../outside.txt', 'x', 'y'), expect: refused(['path-syntax'], /escapes with '\.\.'/) },
  { name: 'traversal inside a path', text: create('src/../../etc/cron.d/x', ['* * * * * root sh']), expect: refused(['path-syntax']) },
  { name: 'absolute path', text: '--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root\n+toor\n', expect: refused(['path-syntax'], /is absolute/) },
  { name: 'absolute path in a git diff', text: modify('/etc/hosts', 'x', 'y'), expect: refused(['path-syntax']) },
  { name: 'backslash path', text: create('src\\..\\..\\x.py', ['x']), expect: refused(['path-syntax'], /backslash/) },
  { name: 'quoted control character', text: 'diff --git "a/src/x\\ny.py" "b/src/x\\ny.py"\nnew file mode 100644\n--- /dev/null\n+++ "b/src/x\\ny.py"\n@@ -0,0 +1 @@\n+x\n', expect: refused(['path-syntax'], /control character/) },
  { name: '.git/config', text: modify('.git/config', '[core]', '[core] fsmonitor = evil'), expect: refused(['protected-paths'], /\.git\/\*\* and \.pipe\/\*\*/) },
  { name: '.GIT hooks (case)', text: create('.GIT/hooks/pre-commit', ['#!/bin/sh']), expect: refused(['protected-paths']) },
  { name: 'nested .git', text: create('vendor/lib/.git/config', ['[core]']), expect: refused(['protected-paths']) },
  { name: 'disguised .git (zero-width)', text: create('.g\u200cit/config', ['x']), expect: refused(['protected-paths']) },
  { name: '.pipe journal', text: create('.pipe/runs/x/journal.json', ['{}']), expect: refused(['protected-paths']) },
  { name: '.env', text: modify('.env', 'TOKEN=x', 'TOKEN=y'), expect: refused(['forbidden-paths'], /safety.forbidden_paths/) },
  { name: 'nested .env.local', text: create('src/.env.local', ['K=v']), expect: refused(['forbidden-paths']) },
  { name: '*.pem', text: create('certs/server.pem', ['-----BEGIN']), expect: refused(['forbidden-paths']) },
  { name: 'workflow file', text: create('.github/workflows/x.yml', ['on: push']), expect: refused(['forbidden-paths']) },
  { name: 'unlisted path', text: modify('docs/guide.md', 'guide', 'GUIDE'), allowed: ['src/**', 'tests/**'], expect: refused(['allowed-files'], /docs\/guide.md is not in the task's allowed_files \(src\/\*\*, tests\/\*\*\)/) },
  { name: 'JSON edit to .git', text: json({ edits: [{ op: 'create', path: '.git/hooks/post-checkout', content: '#!/bin/sh\n' }] }), expect: refused(['protected-paths']) },
  { name: 'JSON traversal', text: json({ edits: [{ op: 'create', path: '../x.py', content: 'x' }] }), expect: refused(['path-syntax']) },
  // ---- unsafe: symlinks
  { name: 'through a symlink in the tree', text: modify('linkdir/util.py', 'def add(a, b):', 'def add(a, b, c):'), expect: refused(['symlinks'], /passes through the symlink linkdir in the working tree/) },
  { name: 'modify the symlink itself', text: 'diff --git a/linkdir b/linkdir\n--- a/linkdir\n+++ b/linkdir\n@@ -1 +1 @@\n-src\n\\ No newline at end of file\n+/etc\n\\ No newline at end of file\n', expect: refused(['symlinks'], /linkdir is a symlink in the working tree/) },
  { name: 'symlink creation', text: 'diff --git a/evil b/evil\nnew file mode 120000\n--- /dev/null\n+++ b/evil\n@@ -0,0 +1 @@\n+/etc\n\\ No newline at end of file\n', expect: refused(['symlinks'], /creates a symlink at evil/) },
  { name: 'symlink created and written through', text: `diff --git a/evil b/evil\nnew file mode 120000\n--- /dev/null\n+++ b/evil\n@@ -0,0 +1 @@\n+src\n\\ No newline at end of file\n${create('evil/x.py', ['x'])}`, safety: { allow_symlinks: true }, expect: refused(['symlinks'], /evil\/x.py passes through the symlink evil that the same patch creates/) },
  { name: 'allowed symlink pointing outside', text: 'diff --git a/out b/out\nnew file mode 120000\n--- /dev/null\n+++ b/out\n@@ -0,0 +1 @@\n+../../etc\n\\ No newline at end of file\n', safety: { allow_symlinks: true }, expect: refused(['symlinks'], /points outside the repository/) },
  { name: 'allowed symlink inside the repo', text: 'diff --git a/docs/link b/docs/link\nnew file mode 120000\n--- /dev/null\n+++ b/docs/link\n@@ -0,0 +1 @@\n+guide.md\n\\ No newline at end of file\n', safety: { allow_symlinks: true }, expect: OK },
  // ---- unsafe: operations
  { name: 'delete', text: 'diff --git a/src/util.py b/src/util.py\ndeleted file mode 100644\n--- a/src/util.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-def add(a, b):\n-    return a + b\n', expect: refused(['deletes'], /deletes src\/util.py/) },
  { name: 'delete when allowed', text: 'diff --git a/src/util.py b/src/util.py\ndeleted file mode 100644\n--- a/src/util.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-def add(a, b):\n-    return a + b\n', safety: { allow_deletes: true }, expect: OK },
  { name: 'JSON delete', text: json({ edits: [{ op: 'delete', path: 'src/util.py' }] }), expect: refused(['deletes']) },
  { name: 'rename', text: gitRename('src/util.py', 'src/helpers.py'), expect: refused(['renames'], /renames src\/util.py to src\/helpers.py/) },
  { name: 'rename when allowed', text: gitRename('src/util.py', 'src/helpers.py'), safety: { allow_renames: true }, expect: OK },
  { name: 'rename out of the allowed set', text: gitRename('src/util.py', 'lib/util.py'), allowed: ['src/**'], safety: { allow_renames: true }, expect: refused(['allowed-files']) },
  { name: 'copy', text: 'diff --git a/src/util.py b/src/util2.py\nsimilarity index 100%\ncopy from src/util.py\ncopy to src/util2.py\n', expect: refused(['renames'], /copies src\/util.py to src\/util2.py/) },
  { name: 'new file when not allowed', text: create('src/new.py', ['x']), safety: { allow_new_files: false }, expect: refused(['new-files']) },
  { name: 'new file written as a modification when not allowed', text: '--- a/src/brand_new.py\n+++ b/src/brand_new.py\n@@ -0,0 +1 @@\n+x = 1\n', safety: { allow_new_files: false }, expect: refused(['new-files'], /creates src\/brand_new.py/) },
  { name: 'mode change', text: 'diff --git a/src/util.py b/src/util.py\nold mode 100644\nnew mode 100755\n', expect: refused(['mode-changes'], /src\/util.py \(100644 → 100755\)/) },
  { name: 'executable new file', text: create('src/tool.sh', ['#!/bin/sh'], '100755'), expect: refused(['mode-changes']) },
  { name: 'mode change when allowed', text: 'diff --git a/src/util.py b/src/util.py\nold mode 100644\nnew mode 100755\n', safety: { allow_mode_changes: true }, expect: OK },
  { name: 'GIT binary patch', text: BINARY, expect: refused(['binary'], /binary changes to logo.png/) },
  { name: 'GIT binary patch when allowed', text: BINARY, safety: { allow_binary: true }, expect: OK },
  // Without a payload git cannot apply it either, and says so.
  { name: 'Binary files differ', text: 'diff --git a/logo.png b/logo.png\nindex 1111111..2222222 100644\nBinary files a/logo.png and b/logo.png differ\n', expect: refused(['binary', 'git-apply-check'], /without full index line/) },
  { name: 'oversized', text: TWO_HUNKS, maxBytes: 100, expect: refused(['max-bytes'], /the patch is \d+ bytes; the policy allows at most 100/) },
  { name: 'too many files', text: APP_OS + create('src/a.py', ['a']) + create('src/b.py', ['b']), safety: { max_files_per_patch: 2 }, expect: refused(['max-files'], /touches 3 files; the policy allows at most 2/) },
  { name: 'several rules at once', text: create('.env.prod', ['A=1']) + modify('docs/guide.md', 'guide', 'x') + 'diff --git a/bin/run.sh b/bin/run.sh\nold mode 100755\nnew mode 100644\n', allowed: ['src/**', '.env*', 'bin/**'], expect: refused(['forbidden-paths', 'allowed-files', 'mode-changes']) },
  // ---- well-formed but does not fit the tree
  // The locator refuses a hunk that matches nowhere before git apply --check sees it.
  { name: 'context mismatch', text: modify('src/app.py', 'import json', 'import os'), expect: { verdict: 'misfit', failing: ['locate'], reason: /hunk 1 \(answer line 4\) does not match the file: the closest place is line 1 of src\/app.py, where 0 of 1 lines agree — line 1: expected 'import json', found 'import re'/ } },
  { name: 'creating a file that exists', text: create('src/util.py', ['x']), expect: { verdict: 'misfit', failing: ['git-apply-check'], reason: /already exists/ } },
  { name: 'JSON replace text not found', text: json({ edits: [{ op: 'replace', path: 'src/util.py', old: 'return a - b', new: 'x' }] }), expect: { verdict: 'misfit', failing: ['locate'], reason: /edit 1 \(replace src\/util.py\): the old text occurs 0 times/ } },
];

const repo = makeCorpusRepo();
const pristine = snapshotExact(repo);
const pristineStatus = porcelain(repo);

for (const c of cases) {
  test(`corpus: ${c.name}`, async () => {
    const h = makePatchHarness({ repo, allowed: c.allowed ?? ['**'], policy: defaultPolicy(c.safety ?? {}, c.maxBytes) });
    h.propose(c.text);
    const gate = await h.gate();
    const out = gate.output as { ok: boolean; checks: { name: string; ok: boolean; reason?: string }[] };
    const failing = out.checks.filter((x) => !x.ok).map((x) => x.name);
    const reasons = out.checks.filter((x) => !x.ok).map((x) => x.reason ?? '').join(' | ');
    const attempt = h.ctx.currentAttempt();
    switch (c.expect.verdict) {
      case 'ok': {
        assert.is(gate.status, 'succeeded', `${gate.message}`);
        assert.ok(out.ok);
        assert.ok(attempt.filesTouched.length > 0);
        const applied = await h.apply();
        assert.is(applied.status, 'succeeded', applied.message);
        assert.not.equal(snapshotExact(repo), pristine, 'apply changed the tree');
        const rolled = await h.rollback();
        assert.is(rolled.status, 'succeeded');
        assert.ok((rolled.output as { restored: string[] }).restored.length > 0);
        break;
      }
      case 'contract':
        assert.is(gate.status, 'failed');
        assert.is(gate.code, 'E_CONTRACT');
        assert.equal(failing, [c.expect.check ?? 'contract']);
        assert.match(reasons, c.expect.reason);
        assert.is(attempt.refusal?.code, 'E_CONTRACT');
        break;
      case 'refused':
      case 'misfit':
        assert.is(gate.status, c.expect.verdict === 'refused' ? 'refused' : 'failed', gate.message);
        assert.is(gate.code, c.expect.verdict === 'refused' ? 'E_PATCH_UNSAFE' : 'E_CONTRACT');
        assert.equal(failing, c.expect.failing, reasons);
        if (c.expect.reason) assert.match(reasons, c.expect.reason);
        assert.ok(attempt.refusal?.message.includes(failing[0]));
        assert.is(h.ctx.work.patch, undefined);
        break;
    }
    // Nothing the gate refused was written, and every accepted patch was rolled back.
    assert.equal(snapshotExact(repo), pristine);
    assert.is(porcelain(repo), pristineStatus);
  });
}

test('corpus has at least 40 adversarial cases', () => {
  assert.ok(cases.filter((c) => c.expect.verdict !== 'ok').length >= 40);
});

test.after(() => cleanup(repo));
test.run();
