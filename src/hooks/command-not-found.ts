// `pipe valdate`: an unknown command is a usage error (exit 2) with a "did you mean", and
// with --json it is the same one-document error envelope every command prints.
import { loadHelpClass, type Hook } from '@oclif/core';
import { PipeError } from '../errors.js';
import { errorJson, renderError } from '../cli/base.js';
import { didYouMean } from '../dsl/suggest.js';

const hook: Hook<'command_not_found'> = async function (options) {
  // `pipe help run` (pipe has no help command of its own: oclif reads it as the id help:run).
  const ids = [...options.config.commandIDs].sort();
  let id = options.id;
  if (id === 'help' || id.startsWith('help:')) {
    const topic = [...id.split(':').slice(1), ...(options.argv ?? [])].filter((a) => !a.startsWith('-'));
    if (!topic.length || ids.includes(topic[0])) {
      const HelpClass = await loadHelpClass(options.config);
      await new HelpClass(options.config).showHelp(topic);
      return undefined;
    }
    id = topic[0];
  }
  const err = new PipeError('E_USAGE', `unknown command '${id}'${didYouMean(id, ids)}`, {
    hint: `commands: ${ids.join(', ')}; see \`pipe --help\``,
  });
  process.exitCode = err.exitCode;
  if (options.argv?.includes('--json')) process.stdout.write(`${JSON.stringify(errorJson(err), null, 2)}\n`);
  else process.stderr.write(`${renderError(err)}\n`);
  return undefined;
};

export default hook;
