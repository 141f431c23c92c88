// What a task's `targets:` entry names: a validator, a test id, or a test file.
import type { Failure } from '../types.js';

/** True when `target` names this failure: its validator, its test id (or a parent of it), or its file. */
export function targetMatches(target: string, f: Pick<Failure, 'validator' | 'test' | 'file'>): boolean {
  if (target === f.validator) return true;
  if (f.test && targetMatchesTest(target, f.test)) return true;
  return f.file !== null && f.file !== undefined && f.file === target;
}

/** True when `target` names this passing test id. */
export function targetMatchesTest(target: string, test: string): boolean {
  // pytest node ids nest with `::` and parametrize with `[`; unittest ids are dotted (tests.test_calc.AddTest.test_add);
  // vitest's TAP names nest with ` > ` (test/merge.test.ts > merge > concatenates arrays).
  return test === target || test.startsWith(`${target}::`) || test.startsWith(`${target}[`) || test.startsWith(`${target} > `) || (!target.includes('/') && test.startsWith(`${target}.`));
}
