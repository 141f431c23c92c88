// The argument and flags every command that loads a task shares (run, plan).
import { Args, Flags } from '@oclif/core';
import { PROVIDER_NAMES } from '../providers/index.js';

export const taskArgs = {
  task: Args.string({ description: 'task file (YAML, kind: Task)', required: true }),
};

export const taskFlags = {
  repo: Flags.string({ description: 'repository root (default: current folder)' }),
  pipeline: Flags.string({ description: "pipeline name or file (overrides the task's)" }),
  policy: Flags.string({ description: 'extra policy file merged last (repeatable)', multiple: true }),
  provider: Flags.string({ description: 'provider answering model calls (default: the one in .pipe/config.yaml, else fake)', options: [...PROVIDER_NAMES] }),
};
