// The manual-approval prompt for roles that need a person's yes before each call.
// Default is no: an empty answer, anything but y/yes, a closed input or no terminal
// all refuse, and the run stops before the call saying how to approve.
import { createInterface } from 'node:readline';
import type { ApprovalRequest, Approver } from '../runner/types.js';
import { formatUsd } from '../budget/money.js';

export interface ApproverOptions {
  /** True only when a person can answer (stdin and the prompt's output are terminals, no --json). */
  interactive: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export function approvalQuestion(request: ApprovalRequest): string {
  return `Call ${request.role} (${request.model}, tier ${request.tier}) for about ${formatUsd(request.projectedUsd)}? [y/N] `;
}

export function createApprover(options: ApproverOptions): Approver {
  if (!options.interactive) return async () => false;
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  return (request) =>
    new Promise<boolean>((resolvePromise) => {
      const rl = createInterface({ input, output, terminal: false });
      let settled = false;
      const finish = (answer: boolean) => {
        if (settled) return;
        settled = true;
        rl.close();
        resolvePromise(answer);
      };
      rl.once('line', (line) => finish(/^\s*y(es)?\s*$/i.test(line)));
      rl.once('close', () => finish(false));
      // Start on a clean line: the progress display may have a live line open.
      output.write(`${(output as NodeJS.WriteStream).isTTY ? '\r\u001b[2K' : ''}${approvalQuestion(request)}`);
    });
}
