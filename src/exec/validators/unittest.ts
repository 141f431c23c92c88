// `python -m unittest`: one failure per `FAIL:` / `ERROR:` block of the report (on stderr).
// The id hashes the dotted test id (module.Class.test, plus a subTest's parameters), which
// Python 3.10 and 3.11+ print differently in the header; both give the same id. A module
// that cannot be imported (`unittest.loader._FailedTest`) is a collection error whose
// message is the real error line (`ModuleNotFoundError: ...`), not the loader's wrapper.
import { isAbsolute, relative } from 'node:path';
import type { Failure } from '../../validation/types.js';
import { failureId, toRepoPath, type OutputParser, type ParseInput } from './common.js';

const HEADER = /^(FAIL|ERROR|UNEXPECTED SUCCESS): (\S+) \(([^()]+)\)(?: (\(.*\)))?\s*$/;
const SEPARATOR = /^(={20,}|-{20,})$/;
const FILE_LINE = /^\s*File "(.+)", line (\d+)/;
const FAILED_LOADER = 'unittest.loader._FailedTest';

/** The dotted test id, the same whether Python printed `name (mod.Class)` or `name (mod.Class.name)`. */
export function unittestId(name: string, where: string, subTest: string | undefined): string {
  let id: string;
  if (where.startsWith(FAILED_LOADER)) id = name;
  else if (where === name || where.endsWith(`.${name}`)) id = where;
  else id = `${where}.${name}`;
  return subTest ? `${id} ${subTest}` : id;
}

/** The last traceback of a block (after "During handling…", the final exception's). */
function lastTraceback(block: string[]): string[] {
  const start = block.map((l) => /^Traceback \(most recent call last\):/.test(l)).lastIndexOf(true);
  return start < 0 ? block : block.slice(start + 1);
}

/**
 * Where the failure is: the first frame inside the repository in the last traceback (the
 * test method, for a failing test; the test module, for one that cannot be imported).
 */
function frameInRepo(traceback: string[], input: ParseInput): { file: string | null; line: number | null } {
  for (const l of traceback) {
    const m = FILE_LINE.exec(l);
    if (!m) continue;
    const rel = isAbsolute(m[1]) ? relative(input.repo, m[1]) : m[1];
    if (rel.startsWith('..') || isAbsolute(rel) || /(^|\/)(site-packages|dist-packages)\//.test(rel)) continue;
    return { file: toRepoPath(m[1], input), line: Number(m[2]) };
  }
  return { file: null, line: null };
}

/** The exception line: the first unindented line after the frames of the last traceback (not the diff lines assertEqual prints after it). */
function exceptionLine(block: string[], traceback: string[]): string {
  const line = traceback.find((l) => l.trim() && !/^\s/.test(l));
  return (line ?? [...block].reverse().find((l) => l.trim() && !/^\s/.test(l)) ?? '').trim();
}

export const parseUnittest: OutputParser = (input) => {
  const lines = `${input.stderr}\n${input.stdout}`.split(/\r?\n/).map((l) => l.trimEnd());
  const failures: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER.exec(lines[i]);
    if (!m || !SEPARATOR.test(lines[i - 1] ?? '')) continue;
    const [, kind, name, where, subTest] = m;
    // The block: after the dashed line under the header, up to the next separator.
    const block: string[] = [];
    let j = i + 1;
    if (SEPARATOR.test(lines[j] ?? '')) j++;
    for (; j < lines.length && !SEPARATOR.test(lines[j]); j++) block.push(lines[j]);
    const id = unittestId(name, where, subTest);
    const category = kind === 'FAIL' ? 'test-failure' : kind === 'UNEXPECTED SUCCESS' ? 'unexpected-success' : where.startsWith(FAILED_LOADER) ? 'collection-error' : 'test-error';
    const traceback = lastTraceback(block);
    const errorLine = exceptionLine(block, traceback);
    const { file, line } = frameInRepo(traceback, input);
    failures.push({ validator: input.validator, id: failureId(input.validator, category, file, id), category, file, line, message: errorLine ? `${id}: ${errorLine}` : id, test: id });
  }
  return failures;
};
