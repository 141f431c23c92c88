// A file that starts with a UTF-8 byte order mark (Windows editors write one): changes
// near its top are placed by content, and the canonical diff git applies keeps the mark
// on line 1. Before, the mark was dropped when the file was read, so every diff touching
// the first lines was refused by `git apply --check` ("patch does not apply").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, makeRepo } from '../helpers/repo.js';
import { defaultPolicy, makePatchHarness, porcelain } from '../steps/patch-harness.js';

const BOM = '\uFEFF';
const VERSION_TS = `${BOM}export const VERSION = "1.0.0";\nexport const NAME = "tiny";\n`;

const ANSWERS: { name: string; answer: string; after: string }[] = [
  {
    name: 'a unified diff changing line 1',
    answer: '```diff\n--- a/src/version.ts\n+++ b/src/version.ts\n@@ -1,2 +1,2 @@\n-export const VERSION = "1.0.0";\n+export const VERSION = "1.1.0";\n export const NAME = "tiny";\n```\n',
    after: `${BOM}export const VERSION = "1.1.0";\nexport const NAME = "tiny";\n`,
  },
  {
    name: 'an apply_patch chunk changing line 1',
    answer: '*** Begin Patch\n*** Update File: src/version.ts\n@@\n-export const VERSION = "1.0.0";\n+export const VERSION = "1.1.0";\n export const NAME = "tiny";\n*** End Patch\n',
    after: `${BOM}export const VERSION = "1.1.0";\nexport const NAME = "tiny";\n`,
  },
  {
    name: 'a JSON replace of line 2 (line 1 is context in the diff)',
    answer: JSON.stringify({ edits: [{ op: 'replace', path: 'src/version.ts', old: 'export const NAME = "tiny";', new: 'export const NAME = "tinier";' }] }),
    after: `${BOM}export const VERSION = "1.0.0";\nexport const NAME = "tinier";\n`,
  },
];

for (const c of ANSWERS) {
  test(`byte order mark: ${c.name} applies and keeps the mark`, async () => {
    const repo = makeRepo({ 'src/version.ts': VERSION_TS });
    try {
      const h = makePatchHarness({ repo, allowed: ['src/**'], policy: defaultPolicy() });
      h.propose(c.answer);
      const gate = await h.gate();
      assert.is(gate.status, 'succeeded', gate.message);
      const applied = await h.apply();
      assert.is(applied.status, 'succeeded', applied.message);
      assert.is(readFileSync(join(repo, 'src/version.ts'), 'utf8'), c.after);
      assert.is(porcelain(repo).trim(), 'M src/version.ts');
    } finally {
      cleanup(repo);
    }
  });
}

test.run();
