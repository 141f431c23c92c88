// Which tests passed, when a tool's output says so. pytest -q prints only dots for passes,
// so passes are visible only with -rA or -v; TAP always names them.

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
    m = /^\s*ok \d+\s*(?:-\s*)?(.*?)\s*(?:#\s*(?:TODO|SKIP)\b.*)?$/i.exec(line);
    if (m && m[1] && !/#\s*(TODO|SKIP)\b/i.test(line)) out.add(m[1]);
  }
  return out.size ? [...out].sort() : null;
}
