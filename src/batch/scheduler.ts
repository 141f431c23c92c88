// A promise pool: up to `jobs` items at once, in order. Before each start it asks
// `shouldStart` (the batch budget, an interrupt); an item it declines is handed to
// `skip` instead, so every item is accounted for exactly once.

export interface PoolOptions<T> {
  jobs: number;
  /** Runs one item. An error ends that worker; the others finish, then the pool rethrows it. */
  run(item: T, index: number): Promise<void>;
  /** Whether the next item may start now. */
  shouldStart?(item: T): Promise<boolean> | boolean;
  /** Called for every item that was not started. */
  skip?(item: T, index: number): void;
}

export async function runPool<T>(items: readonly T[], options: PoolOptions<T>): Promise<void> {
  const jobs = Math.max(1, Math.floor(options.jobs));
  let next = 0;
  let stopped = false;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      const item = items[index];
      if (stopped || (options.shouldStart && !(await options.shouldStart(item)))) {
        // Once one item is declined, no later one starts either: order is kept.
        stopped = true;
        options.skip?.(item, index);
        continue;
      }
      await options.run(item, index);
    }
  };
  // Every worker finishes before the pool settles, even when one of them throws.
  const results = await Promise.allSettled(Array.from({ length: Math.min(jobs, items.length) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
