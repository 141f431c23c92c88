// eslint --format json: one entry per file with messages; severity 2 is an error, 1 a warning.
import type { Failure } from '../../validation/types.js';
import { makeFailure, toRepoPath, type OutputParser } from './common.js';

interface EslintFile {
  filePath?: string;
  messages?: { ruleId?: string | null; severity?: number; message?: string; line?: number; fatal?: boolean }[];
}

export const parseEslint: OutputParser = (input) => {
  const start = input.stdout.indexOf('[');
  if (start < 0) return [];
  let files: unknown;
  try {
    files = JSON.parse(input.stdout.slice(start));
  } catch {
    return [];
  }
  if (!Array.isArray(files)) return [];
  const failures: Failure[] = [];
  for (const entry of files as EslintFile[]) {
    const file = toRepoPath(entry?.filePath, input);
    for (const m of entry?.messages ?? []) {
      if (m.severity !== 2 || typeof m.message !== 'string') continue;
      // Parse errors have no rule.
      const category = m.ruleId ?? (m.fatal ? 'parse-error' : 'error');
      failures.push(makeFailure(input.validator, category, file, m.line ?? null, m.ruleId ? `${m.message} (${m.ruleId})` : m.message));
    }
  }
  return failures;
};
