// Expecting a failure without a try/catch that could swallow the test's own assertions:
// the helper returns what was thrown (to assert on afterwards) and fails the test itself
// when nothing was.
import { Assertion } from 'uvu/assert';

function noThrow(what: string): Assertion {
  return new Assertion({ message: `expected ${what} to fail, but it did not`, operator: 'throws', generated: false, actual: 'no error', expects: 'an error' });
}

/** Awaits `work`; returns the rejection reason, or fails the test when it resolves. */
export async function rejection(work: () => Promise<unknown>, what = 'the call'): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw noThrow(what);
}

/** Runs `work`; returns what it threw, or fails the test when it returns. */
export function thrown(work: () => unknown, what = 'the call'): unknown {
  try {
    work();
  } catch (err) {
    return err;
  }
  throw noThrow(what);
}
