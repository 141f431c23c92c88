// `pipe valdate`: an unknown command is a usage error (exit 2) with a "did you mean", and
// with --json it is the same one-document error envelope every command prints.
import type { Hook } from '@oclif/core';
import { PipeError } from '../errors.js';
import { errorJson, renderError } from '../cli/base.js';
import { didYouMean } from '../dsl/suggest.js';

const hook: Hook<'command_not_found'> = async function (options) {
  const ids = [...options.config.commandIDs].sort();
  const err = new PipeError('E_USAGE', `unknown command '${options.id}'${didYouMean(options.id, ids)}`, {
    hint: `commands: ${ids.join(', ')}; see \`pipe --help\``,
  });
  process.exitCode = err.exitCode;
  if (options.argv?.includes('--json')) process.stdout.write(`${JSON.stringify(errorJson(err), null, 2)}\n`);
  else process.stderr.write(`${renderError(err)}\n`);
  return undefined;
};

export default hook;
