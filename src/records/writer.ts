// The run folder .pipe/runs/<run-id>/: state.json rewritten atomically (temp, fsync,
// rename) after every step, events.jsonl appended one event a line. Everything
// written passes through redaction.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { redact, redactValue } from './redact.js';
import type { EventSink, RunEvent, RunRecords } from './types.js';

/** Writes `text` to `file` so a crash leaves either the old or the new file, never half of one. */
export function writeFileAtomic(file: string, text: string, options: { durable?: boolean } = {}): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    if (options.durable !== false) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function runsDir(repo: string): string {
  return join(repo, '.pipe', 'runs');
}

const IGNORE_LINES = ['.pipe/runs/', '.pipe/baseline/', '.pipe/ledger.sqlite*', '.pipe/*.tmp', '.pipe/run.lock', '.pipe/batches/', '.pipe/worktrees/'];

/** The repository's info/exclude file (plain or worktree checkouts), or null when there is none. */
function infoExclude(repo: string): string | null {
  const dotGit = join(repo, '.git');
  if (!existsSync(dotGit)) return null;
  if (statSync(dotGit).isDirectory()) return join(dotGit, 'info', 'exclude');
  const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!pointer) return null;
  const gitDir = resolve(repo, pointer[1].trim());
  const common = existsSync(join(gitDir, 'commondir')) ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
  return join(common, 'info', 'exclude');
}

/**
 * Keeps run records and the ledger out of git (DSL.md §5) without creating a file the
 * user would see as untracked: the lines go to .git/info/exclude, local to this clone.
 */
export function ensurePipeIgnored(repo: string): void {
  const exclude = infoExclude(repo);
  if (!exclude) return;
  const current = existsSync(exclude) ? readFileSync(exclude, 'utf8') : '';
  const missing = IGNORE_LINES.filter((line) => !current.split(/\r?\n/).includes(line));
  if (!missing.length) return;
  mkdirSync(dirname(exclude), { recursive: true });
  const prefix = current && !current.endsWith('\n') ? '\n' : '';
  appendFileSync(exclude, `${prefix}# pipe: run records and the ledger\n${missing.join('\n')}\n`);
}

export class FolderRecords implements RunRecords {
  /** `durable: false` skips fsync: for throw-away records (a replay's temp folder). */
  constructor(
    readonly dir: string,
    private readonly options: { durable?: boolean } = {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  async writeText(name: string, text: string): Promise<void> {
    writeFileAtomic(join(this.dir, name), redact(text), this.options);
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    writeFileAtomic(join(this.dir, name), `${JSON.stringify(redactValue(value), null, 2)}\n`, this.options);
  }

  async appendJsonLine(name: string, value: unknown): Promise<void> {
    const file = join(this.dir, name);
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(redactValue(value))}\n`);
  }
}

/** Records for a dry run: nothing touches the repository. */
export class NoRecords implements RunRecords {
  readonly dir = null;
  async writeText(): Promise<void> {}
  async writeJson(): Promise<void> {}
  async appendJsonLine(): Promise<void> {}
}

/** Appends events to events.jsonl (synchronously, so an event is on disk before the next step acts) and keeps them in memory. */
export class EventLog implements EventSink {
  readonly events: RunEvent[] = [];
  private readonly file: string | null;
  private context: { step?: string; attempt?: number } = {};

  constructor(dir: string | null, private readonly now: () => Date = () => new Date()) {
    this.file = dir ? join(dir, 'events.jsonl') : null;
  }

  /** Step and attempt stamped on every following event. */
  setContext(context: { step?: string; attempt?: number }): void {
    this.context = context;
  }

  emit(type: string, data: Record<string, unknown> = {}): void {
    const event: RunEvent = redactValue({ ts: this.now().toISOString(), type, ...this.context, ...data });
    this.events.push(event);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(event)}\n`);
  }
}
