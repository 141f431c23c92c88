// Batch progress on stderr. On a TTY: a header (done / running / queued, spend so far)
// and one line per running task (step, attempt, spend), redrawn in place. Otherwise
// plain lines: a task starting, a step that did not succeed, a task ending. Nothing
// with --json or --quiet.
import { formatUsd } from '../budget/money.js';
import type { Progress } from '../runner/types.js';
import type { BatchTaskRecord } from './types.js';

export interface RunningTask {
  taskId: string;
  step: string | null;
  attempt: number;
  spentUsd: number;
}

export interface BatchView {
  batchId: string;
  total: number;
  done: number;
  queued: number;
  running: RunningTask[];
  /** Spent by finished tasks plus what running tasks have spent so far. */
  spentUsd: number;
  limitUsd: number | null;
}

/** The TTY frame for a view: the header, then one line per running task (pure, for tests). */
export function renderFrame(view: BatchView, columns = 100): string[] {
  columns = Math.max(20, columns);
  const limit = view.limitUsd !== null ? ` of ${formatUsd(view.limitUsd)}` : '';
  const header = `batch ${view.batchId} · ${view.done}/${view.total} done · ${view.running.length} running · ${view.queued} queued · spent ${formatUsd(view.spentUsd)}${limit}`;
  const lines = [header];
  for (const t of view.running) lines.push(`  ${t.taskId} · attempt ${t.attempt} · ${t.step ?? 'starting'} · ${formatUsd(t.spentUsd)}`);
  return lines.map((l) => (l.length > columns ? `${l.slice(0, columns - 1)}…` : l));
}

export function taskEndLine(record: BatchTaskRecord): string {
  const where = record.branch ? ` → ${record.branch}` : record.patch_file ? ` → ${record.patch_file}` : '';
  const why = record.status !== 'succeeded' && record.reason ? ` — ${record.reason}` : '';
  return `${record.task_id}: ${record.status.replace('_', ' ')} (exit ${record.exit_code ?? '-'}, ${record.attempts} attempt(s), ${formatUsd(record.cost_usd)})${where}${why}`;
}

export interface BatchProgress {
  /** The runner's Progress for one task's run. */
  forTask(taskId: string): Progress;
  taskStarted(taskId: string, runId: string): void;
  taskEnded(record: BatchTaskRecord): void;
  note(message: string): void;
  /** Stops redrawing and leaves the last frame's place empty. */
  close(): void;
}

export interface BatchProgressOptions {
  batchId: string;
  total: number;
  limitUsd: number | null;
  stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  tty?: boolean;
  verbose?: boolean;
}

export function silentBatchProgress(): BatchProgress {
  const quiet: Progress = { stepStart() {}, stepEnd() {}, note() {} };
  return { forTask: () => quiet, taskStarted() {}, taskEnded() {}, note() {}, close() {} };
}

export function createBatchProgress(options: BatchProgressOptions): BatchProgress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean((stream as NodeJS.WriteStream).isTTY);
  const running = new Map<string, RunningTask>();
  let done = 0;
  let finishedSpend = 0;
  let drawn = 0;
  let timer: NodeJS.Timeout | null = null;

  const view = (): BatchView => {
    const live = [...running.values()];
    return {
      batchId: options.batchId,
      total: options.total,
      done,
      queued: Math.max(0, options.total - done - live.length),
      running: live,
      spentUsd: finishedSpend + live.reduce((n, t) => n + t.spentUsd, 0),
      limitUsd: options.limitUsd,
    };
  };
  const erase = () => {
    if (drawn) stream.write(`\u001b[${drawn}F\u001b[J`);
    drawn = 0;
  };
  const draw = () => {
    timer = null;
    erase();
    // A pseudo-terminal without a size reports 0 columns.
    const columns = (stream as NodeJS.WriteStream).columns;
    const lines = renderFrame(view(), columns && columns >= 20 ? columns : 100);
    stream.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  // Many steps end within milliseconds of each other: redraw at most ten times a second.
  const schedule = () => {
    if (tty && !timer) timer = setTimeout(draw, 100);
  };
  const above = (line: string) => {
    if (tty) {
      erase();
      stream.write(`${line}\n`);
      schedule();
    } else {
      stream.write(`${line}\n`);
    }
  };

  return {
    forTask(taskId) {
      const update = (info: { step: string; attempt: number; spentUsd: number }) => {
        const t = running.get(taskId);
        if (!t) return;
        t.step = info.step;
        t.attempt = info.attempt;
        t.spentUsd = info.spentUsd;
        schedule();
      };
      return {
        stepStart: update,
        stepEnd(info) {
          update(info);
          if (!tty && (options.verbose || (info.status !== 'succeeded' && info.status !== 'skipped'))) {
            stream.write(`${taskId}: attempt ${info.attempt} ${info.step} ${info.status}${info.message ? ` — ${info.message.split('\n')[0].slice(0, 200)}` : ''}\n`);
          }
        },
        note: (message) => above(`${taskId}: ${message}`),
      };
    },
    taskStarted(taskId, runId) {
      running.set(taskId, { taskId, step: null, attempt: 1, spentUsd: 0 });
      if (!tty) stream.write(`${taskId}: started (run ${runId})\n`);
      schedule();
    },
    taskEnded(record) {
      running.delete(record.task_id);
      done += 1;
      finishedSpend += record.cost_usd;
      above(taskEndLine(record));
    },
    note: above,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (tty) erase();
    },
  };
}
