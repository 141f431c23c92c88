// pytest -rfE: the "short test summary info" lines `FAILED path::test - message` and
// `ERROR path[::test] - message`; the line number comes from the test's traceback section.
// The id hashes the test's node id, not the assertion text, so the same failing test keeps
// its id while the wrong value it prints changes between attempts. A collection error's
// message carries its `E ...` line (the real cause), which the summary line leaves out.
import type { Failure } from '../../validation/types.js';
import { failureId, toRepoPath, type OutputParser } from './common.js';

const SUMMARY = /^(FAILED|ERROR) (.+?)(?: - (.*))?$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The lines of the `___ name ___` section of the report (empty when there is none). */
function section(lines: string[], sectionName: string): string[] {
  const header = new RegExp(`^_{2,} (?:ERROR at (?:setup|teardown) of |ERROR collecting )?${escapeRegExp(sectionName)} _{2,}$`);
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) return [];
  const out: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    if (/^_{2,} .* _{2,}$/.test(lines[i]) || /^={3,} /.test(lines[i])) break;
    out.push(lines[i]);
  }
  return out;
}

/** The last `file:NN: ` traceback line of a section. */
function findLine(body: string[], file: string): number | null {
  const location = new RegExp(`^${escapeRegExp(file)}:(\\d+): `);
  let found: number | null = null;
  for (const l of body) {
    const m = location.exec(l);
    if (m) found = Number(m[1]);
  }
  return found;
}

/** The first `E   ...` line of pytest's report (the exception it ended on), trimmed. */
export function firstPytestErrorLine(lines: readonly string[]): string | null {
  for (const l of lines) {
    const m = /^E\s+(\S.*)$/.exec(l);
    if (m) return m[1].trim();
  }
  return null;
}

export const parsePytest: OutputParser = (input) => {
  const lines = `${input.stdout}\n${input.stderr}`.split(/\r?\n/).map((l) => l.trimEnd());
  const failures: Failure[] = [];
  for (const line of lines) {
    const m = SUMMARY.exec(line);
    if (!m) continue;
    const [, kind, nodeId, summary] = m;
    const [filePart, ...rest] = nodeId.split('::');
    if (!/\.py$/.test(filePart) && !rest.length) continue;
    const testName = rest.length ? rest[rest.length - 1] : null;
    const category = kind === 'FAILED' ? 'test-failure' : testName ? 'test-error' : 'collection-error';
    const file = toRepoPath(filePart, input);
    const body = section(lines, testName ?? filePart);
    const lineNo = findLine(body, filePart);
    const cause = category === 'collection-error' && !summary ? firstPytestErrorLine(body) : null;
    const message = summary ? `${nodeId}: ${summary}` : cause ? `${nodeId}: E ${cause}` : nodeId;
    failures.push({ validator: input.validator, id: failureId(input.validator, category, file, nodeId), category, file, line: lineNo, message, test: nodeId });
  }
  return failures;
};
