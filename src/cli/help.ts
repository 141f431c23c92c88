// pipe's help: oclif's, with the exit codes (DSL.md §4) under every page, so a script
// author finds what `$?` means where they look first.
import { Help, type Command } from '@oclif/core';

export const EXIT_CODES_HELP = `EXIT CODES
  0  succeeded
  1  the task failed (and was rolled back)
  2  bad input: usage, YAML, schema, a missing file, a provider not configured
     (OPENAI_API_KEY missing or rejected); nothing ran
  3  blocked by a budget or a limit before any call, or waiting for approval
  4  escalated: the attempts did not converge and a person is needed
  5  refused for safety: an unsafe patch, or the user's uncommitted work in the way`;

export default class PipeHelp extends Help {
  override async showRootHelp(): Promise<void> {
    await super.showRootHelp();
    this.log(`\n${EXIT_CODES_HELP}`);
  }

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    await super.showCommandHelp(command);
    this.log(`\n${EXIT_CODES_HELP}`);
  }
}
