// ruff check --output-format=json: an array of diagnostics with code, message, filename, location.
import type { Failure } from '../../validation/types.js';
import { makeFailure, toRepoPath, type OutputParser } from './common.js';

interface RuffDiagnostic {
  code?: string | null;
  message?: string;
  filename?: string;
  location?: { row?: number; column?: number } | null;
}

function parseJsonArray(text: string): unknown[] | null {
  const start = text.indexOf('[');
  if (start < 0) return null;
  try {
    const value: unknown = JSON.parse(text.slice(start));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

export const parseRuff: OutputParser = (input) => {
  const items = parseJsonArray(input.stdout);
  if (!items) return [];
  const failures: Failure[] = [];
  for (const raw of items) {
    const d = raw as RuffDiagnostic;
    if (!d || typeof d.message !== 'string') continue;
    // Syntax errors come with a null code.
    const category = d.code ? d.code : 'syntax-error';
    failures.push(makeFailure(input.validator, category, toRepoPath(d.filename, input), d.location?.row ?? null, d.code ? `${d.code} ${d.message}` : d.message));
  }
  return failures;
};
