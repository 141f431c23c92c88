// pytest -rfE: the "short test summary info" lines `FAILED path::test - message` and
// `ERROR path[::test] - message`; the line number comes from the test's traceback section.
// The id hashes the test's node id, not the assertion text, so the same failing test keeps
// its id while the wrong value it prints changes between attempts.
import type { Failure } from '../../validation/types.js';
import { failureId, toRepoPath, type OutputParser } from './common.js';

const SUMMARY = /^(FAILED|ERROR) (.+?)(?: - (.*))?$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The last `file:NN: ` traceback line inside the `___ name ___` section of the report. */
function findLine(lines: string[], sectionName: string, file: string): number | null {
  const header = new RegExp(`^_{2,} (?:ERROR at (?:setup|teardown) of |ERROR collecting )?${escapeRegExp(sectionName)} _{2,}$`);
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) return null;
  const location = new RegExp(`^${escapeRegExp(file)}:(\\d+): `);
  let found: number | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^_{2,} .* _{2,}$/.test(lines[i]) || /^={3,} /.test(lines[i])) break;
    const m = location.exec(lines[i]);
    if (m) found = Number(m[1]);
  }
  return found;
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
    const lineNo = findLine(lines, testName ?? filePart, filePart);
    const message = summary ? `${nodeId}: ${summary}` : nodeId;
    failures.push({ validator: input.validator, id: failureId(input.validator, category, file, nodeId), category, file, line: lineNo, message });
  }
  return failures;
};
