// docs/architecture.md matches the tree: in its layout block every src/ file is named —
// a file at the top of src/ by its path, a file in src/<room>/ by its name (with or without
// .ts) in that room's lines, a file deeper down by its name or by its sub-folder (`answer/`) named there, or by
// a line of its own for the sub-folder (src/dsl/generated/) — and every path the block
// names exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ROOT } from '../helpers/repo.js';

const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
const layout = /```\n(bin\/run\.js[\s\S]*?)```/.exec(doc)?.[1] ?? '';

/** Layout lines grouped by the path that starts each group ('src/cli/', 'src/errors.ts', …). */
function sections(): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | null = null;
  for (const line of layout.split('\n')) {
    if (/^\S/.test(line)) {
      key = line.split(/\s+/)[0];
      out.set(key, line);
    } else if (key && line.trim()) out.set(key, `${out.get(key)}\n${line}`);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts')) out.push(relative(ROOT, full).split(sep).join('/'));
  }
  return out;
}

const mentions = (text: string, name: string) => new RegExp(`(^|[\\s,(/])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s,):;])`, 'm').test(text);

function covered(file: string, groups: Map<string, string>): boolean {
  if (groups.has(file)) return true;
  const parts = file.split('/'); // ['src', room, …, name]
  for (let depth = parts.length - 1; depth >= 2; depth -= 1) {
    const folder = `${parts.slice(0, depth).join('/')}/`;
    const text = groups.get(folder);
    if (text === undefined) continue;
    // A sub-folder with its own line (src/dsl/generated/) is named as a whole.
    if (depth > 2) return true;
    const below = parts.slice(depth);
    const name = below[below.length - 1];
    return mentions(text, name) || mentions(text, name.replace(/\.ts$/, '')) || (below.length > 1 && mentions(text, `${below[0]}/`));
  }
  return false;
}

test('docs/architecture.md names every file under src/ (or its sub-folder) in the layout block', () => {
  assert.ok(layout.includes('src/'), 'no layout block found in docs/architecture.md');
  const groups = sections();
  const missing = sourceFiles(join(ROOT, 'src')).filter((f) => !covered(f, groups));
  assert.equal(missing, [], `not in docs/architecture.md: ${missing.join(', ')}`);
});

test('every src/ path the layout block starts a line with exists', () => {
  const gone = [...sections().keys()].filter((p) => p.startsWith('src/') && !existsSync(join(ROOT, p)));
  assert.equal(gone, []);
});

test.run();
