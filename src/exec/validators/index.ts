// One parser per tool; the policy's `parser` names one of these.
import { PipeError } from '../../errors.js';
import type { OutputParser, ParserName } from './common.js';
import { parseEslint } from './eslint.js';
import { parseExitCode } from './exit-code.js';
import { parseMypy } from './mypy.js';
import { parsePytest } from './pytest.js';
import { parseRuff } from './ruff.js';
import { parseTsc } from './tsc.js';
import { parseUnittest } from './unittest.js';

export type { OutputParser, ParseInput, ParserName } from './common.js';
export { failureId, makeFailure, normaliseMessage, sortFailures, toRepoPath } from './common.js';
export { passedTests, tapTestLine } from './passed.js';
export { firstPytestErrorLine } from './pytest.js';

export const PARSERS: Readonly<Record<ParserName, OutputParser>> = Object.freeze({
  ruff: parseRuff,
  mypy: parseMypy,
  pytest: parsePytest,
  unittest: parseUnittest,
  tsc: parseTsc,
  eslint: parseEslint,
  'exit-code': parseExitCode,
});

export function getParser(name: string | undefined): OutputParser {
  const key = (name ?? 'exit-code') as ParserName;
  const parser = PARSERS[key];
  if (!parser) {
    throw new PipeError('E_CONFIG', `unknown validator parser '${name}'; known parsers: ${Object.keys(PARSERS).join(', ')}`);
  }
  return parser;
}
