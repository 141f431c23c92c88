// Default implementations of the runner's small services.
import type { Clock, Progress } from './types.js';

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};

export const silentProgress: Progress = {
  stepStart() {},
  stepEnd() {},
  note() {},
};
