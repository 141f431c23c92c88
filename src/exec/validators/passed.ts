// Which tests passed, when a tool's output says so. pytest -q prints only dots for passes,
// so passes are visible only with -rA or -v; TAP always names them.

/** A TAP test line (`ok 3 - adds # time=2.1ms`, `not ok 4 - …`): whether it passed and the test's name, without the comment after an unescaped `#` (vitest's `# time=…` changes every run), or null for a TODO/SKIP directive or a line that is no test line. */
export function tapTestLine(line: string): { ok: boolean; name: string } | null {
  const m = /^\s*(not )?ok\b(?:\s+\d+)?\s*(?:-\s*)?(.*)$/.exec(line.trimEnd());
  if (!m) return null;
  const hash = /(^|[^\\])#/.exec(m[2]);
  const directive = hash ? m[2].slice(hash.index + hash[1].length + 1).trim() : '';
  if (/^(TODO|SKIP)\b/i.test(directive)) return null;
  const name = (hash ? m[2].slice(0, hash.index + hash[1].length) : m[2]).trim();
  return { ok: !m[1], name };
}

/**
 * Tests the output shows as passed: `PASSED id` (pytest -rA), `id PASSED` (pytest -v),
 * `ok N - name` (TAP). Null when the output names none, i.e. passes are not visible.
 */
export function passedTests(stdout: string): string[] | null {
  const out = new Set<string>();
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trimEnd();
    let m = /^PASSED (\S+::\S.*)$/.exec(line);
    if (m) {
      out.add(m[1].trim());
      continue;
    }
    m = /^(\S+\.py::\S+) PASSED\b/.exec(line);
    if (m) {
      out.add(m[1]);
      continue;
    }
    const tap = /^\s*ok \d+/.test(line) ? tapTestLine(line) : null;
    if (tap?.name) out.add(tap.name);
  }
  return out.size ? [...out].sort() : null;
}
