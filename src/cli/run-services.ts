// Wires the real services for a CLI run: the ledger (opened on first use, closed
// after), the provider factory, the approval prompt and the progress display.
import { openLedger } from '../budget/ledger.js';
import type { Ledger } from '../budget/types.js';
import { createProviderFactory } from '../providers/index.js';
import { createApprover } from './approval.js';
import { createProgress } from './progress.js';
import type { Session } from '../runner/session.js';
import type { RunServices } from '../runner/types.js';
import { silentProgress } from '../runner/services.js';

export interface CliServiceOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

export interface CliServices {
  services: Partial<Omit<RunServices, 'records' | 'events'>>;
  close(): Promise<void>;
}

export function createCliServices(session: Session, options: CliServiceOptions): CliServices {
  let ledger: Promise<Ledger> | null = null;
  const interactive = !options.json && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
  return {
    services: {
      ledger: () => (ledger ??= openLedger(session.ledgerLocation, { repo: session.repo })),
      provider: createProviderFactory({ config: session.config, task: session.task, taskDir: session.taskDir, env: process.env }),
      approve: createApprover({ interactive, input: process.stdin, output: process.stderr }),
      progress: options.json || options.quiet ? silentProgress : createProgress({ verbose: options.verbose }),
      sandbox: async () => session.sandbox,
    },
    async close() {
      if (ledger) await (await ledger.catch(() => null))?.close();
    },
  };
}
