// The run folder .pipe/runs/<run-id>/: state.json rewritten atomically (temp, fsync,
// rename) after every step, events.jsonl appended one event a line. Everything
// written passes through redaction.
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { redact, redactValue } from './redact.js';
import type { EventSink, RunEvent, RunRecords } from '../runner/types.js';

/** Writes `text` to `file` so a crash leaves either the old or the new file, never half of one. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function runsDir(repo: string): string {
  return join(repo, '.pipe', 'runs');
}

/** Makes sure .pipe/ is git-ignored by the tool itself (DSL.md §5), without touching the user's .gitignore. */
export function ensurePipeIgnored(repo: string): void {
  const pipeDir = join(repo, '.pipe');
  mkdirSync(pipeDir, { recursive: true });
  const ignore = join(pipeDir, '.gitignore');
  try {
    writeFileSync(ignore, '# written by pipe: run records and the ledger stay out of git\nruns/\nledger.sqlite*\n*.tmp\n', { flag: 'wx' });
  } catch {
    /* already there: the user's version wins */
  }
}

export class FolderRecords implements RunRecords {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async writeText(name: string, text: string): Promise<void> {
    writeFileAtomic(join(this.dir, name), redact(text));
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    writeFileAtomic(join(this.dir, name), `${JSON.stringify(redactValue(value), null, 2)}\n`);
  }
}

/** Records for a dry run: nothing touches the repository. */
export class NoRecords implements RunRecords {
  readonly dir = null;
  async writeText(): Promise<void> {}
  async writeJson(): Promise<void> {}
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
