// checkCallLimits: a block message names each file once, under the limit that cut it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCallLimits } from '../../src/budget/limits.js';
import type { Policy } from '../../src/types/generated/index.js';

const policy = { apiVersion: 'pipe/v1', kind: 'Policy', limits: { max_context_chars_per_call: 3000, max_input_tokens_per_call: 900 } } as Policy;
const facts = { contextChars: 0, inputTokens: 0, maxOutputTokens: 0, projectedUsd: 0, elapsedS: 0 };

test('patchable files cut by two limits: each limit with its own files and figure, each file once', () => {
  const block = checkCallLimits(policy, {}, {
    ...facts,
    patchableCut: [
      { path: 'src/a.py', limit: 'max_context_chars_per_call', truncated: true },
      { path: 'src/b.py', limit: 'max_context_chars_per_call', truncated: false },
      { path: 'src/a.py', limit: 'max_input_tokens_per_call', truncated: false },
    ],
  });
  assert.is(block?.code, 'E_LIMIT');
  assert.is(
    block?.message,
    'blocked: 2 files the patch may touch would not fit whole — limits.max_input_tokens_per_call (900 tokens per call): src/a.py (left out); limits.max_context_chars_per_call (3000 chars per call): src/b.py (left out); narrow allowed_files and context_files, or raise limits.max_input_tokens_per_call and limits.max_context_chars_per_call',
  );
});

test('one file, one limit', () => {
  const block = checkCallLimits(policy, {}, { ...facts, patchableCut: [{ path: 'calc/ops.py', limit: 'max_context_chars_per_call', truncated: true }] });
  assert.is(block?.limit, 'max_context_chars_per_call');
  assert.is(block?.message, 'blocked: a file the patch may touch would not fit whole — limits.max_context_chars_per_call (3000 chars per call): calc/ops.py (truncated); narrow allowed_files and context_files, or raise limits.max_context_chars_per_call');
});

test.run();
