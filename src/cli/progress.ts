// Progress on the terminal: a live line per step (attempt, role, tier, spend so far) on
// a TTY, plain lines otherwise, nothing with --json or --quiet. Always on stderr, so
// stdout stays for results.
import { formatUsd as usd } from '../budget/money.js';
import type { Progress, StepStatus } from '../runner/types.js';

export interface ProgressOptions {
  stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  tty?: boolean;
  verbose?: boolean;
  color?: boolean;
}

const MARK: Record<StepStatus, string> = {
  succeeded: '✓',
  failed: '✗',
  blocked: '■',
  refused: '⊘',
  skipped: '–',
  escalated: '↑',
};


function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean((stream as NodeJS.WriteStream).isTTY);
  const color = options.color ?? (tty && !process.env.NO_COLOR);
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const statusColor: Record<StepStatus, number> = { succeeded: 32, failed: 31, blocked: 33, refused: 31, skipped: 90, escalated: 35 };
  let live = false;
  const clearLive = () => {
    if (live) stream.write('\r\u001b[2K');
    live = false;
  };
  return {
    stepStart(info) {
      const who = info.role ? ` ${info.role}${info.tier ? `@${info.tier}` : ''}` : '';
      if (tty) {
        clearLive();
        stream.write(`${paint(36, '…')} attempt ${info.attempt} · ${info.step}${who} · spent ${usd(info.spentUsd)}`);
        live = true;
      } else if (options.verbose) {
        stream.write(`start ${info.step} attempt=${info.attempt}${who ? ` role=${info.role}` : ''} spent=${usd(info.spentUsd)}\n`);
      }
    },
    stepEnd(info) {
      const message = info.message && (info.status !== 'succeeded' || options.verbose) ? ` — ${info.message}` : '';
      const who = info.role ? ` ${info.role}${info.tier ? `@${info.tier}` : ''}` : '';
      if (tty) {
        clearLive();
        stream.write(`${paint(statusColor[info.status], MARK[info.status])} attempt ${info.attempt} · ${info.step}${paint(90, who)} ${paint(90, seconds(info.durationMs))} · spent ${usd(info.spentUsd)}${message}\n`);
      } else {
        stream.write(`step ${info.step} attempt=${info.attempt} status=${info.status}${info.role ? ` role=${info.role}` : ''}${info.tier ? ` tier=${info.tier}` : ''} time=${seconds(info.durationMs)} spent=${usd(info.spentUsd)}${message}\n`);
      }
    },
    note(message) {
      clearLive();
      stream.write(`${message}\n`);
    },
  };
}
