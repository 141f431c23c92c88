// mypy text output: `path:line[:col]: error: message  [code]`; notes and the summary are skipped.
import type { Failure } from '../../validation/types.js';
import { makeFailure, toRepoPath, type OutputParser } from './common.js';

const LINE = /^(.+?):(\d+)(?::(\d+))?(?::\d+:\d+)?: (error|note|warning): (.*?)(?:\s+\[([a-z0-9_-]+)\])?$/;
const FILE_ONLY = /^(.+?): (error): (.*?)(?:\s+\[([a-z0-9_-]+)\])?$/;

export const parseMypy: OutputParser = (input) => {
  const failures: Failure[] = [];
  for (const rawLine of `${input.stdout}\n${input.stderr}`.split(/\r?\n/)) {
    const line = rawLine.trimEnd();
    const m = LINE.exec(line);
    if (m) {
      if (m[4] !== 'error') continue;
      const code = m[6] ?? 'error';
      failures.push(makeFailure(input.validator, code, toRepoPath(m[1], input), Number(m[2]), m[5]));
      continue;
    }
    const f = FILE_ONLY.exec(line);
    if (f && !f[1].includes(' ')) failures.push(makeFailure(input.validator, f[4] ?? 'error', toRepoPath(f[1], input), null, f[3]));
  }
  return failures;
};
