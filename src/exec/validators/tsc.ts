// tsc --pretty false: `file(line,col): error TS1234: message`, continuation lines indented;
// project-level errors come without a file: `error TS5023: ...`.
import type { Failure } from '../../validation/types.js';
import { makeFailure, toRepoPath, type OutputParser } from './common.js';

const WITH_FILE = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const WITHOUT_FILE = /^error (TS\d+): (.*)$/;

export const parseTsc: OutputParser = (input) => {
  const pending: { code: string; file: string | null; line: number | null; message: string[] }[] = [];
  for (const rawLine of `${input.stdout}\n${input.stderr}`.split(/\r?\n/)) {
    const line = rawLine.trimEnd();
    const m = WITH_FILE.exec(line);
    if (m) {
      pending.push({ code: m[4], file: toRepoPath(m[1], input), line: Number(m[2]), message: [m[5]] });
      continue;
    }
    const g = WITHOUT_FILE.exec(line);
    if (g) {
      pending.push({ code: g[1], file: null, line: null, message: [g[2]] });
      continue;
    }
    // Message chains ("Type X is not assignable ... / Property y is missing") are indented.
    if (/^\s+\S/.test(line) && pending.length) pending[pending.length - 1].message.push(line.trim());
  }
  return pending.map((p): Failure => makeFailure(input.validator, p.code, p.file, p.line, p.message.join(' ')));
};
