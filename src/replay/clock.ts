// The replay's clock: starts at the recorded start and moves only by the recorded
// durations of model calls and validators, so runtime limits are judged against the
// time the run really took and the replay's timestamps do not depend on the machine.
import type { Clock } from '../runner/types.js';

export interface VirtualClock extends Clock {
  advance(ms: number): void;
}

export function virtualClock(startIso: string): VirtualClock {
  const start = Date.parse(startIso);
  let elapsed = 0;
  return {
    now: () => new Date(start + elapsed),
    monotonicMs: () => elapsed,
    advance(ms: number) {
      if (Number.isFinite(ms) && ms > 0) elapsed += ms;
    },
  };
}
