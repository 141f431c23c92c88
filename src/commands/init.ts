import { Flags } from '@oclif/core';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { findRepoRoot } from '../cli/session.js';
import { PIPE_GITIGNORE, configYaml, detectProject, exampleTaskYaml, policyYaml } from '../cli/init-templates.js';
import { PipeError } from '../errors.js';

export interface InitResult {
  repo: string;
  project_kind: string;
  validators: string[];
  written: string[];
}

export default class Init extends PipeCommand {
  static override summary = 'Write .pipe/config.yaml, a policy and an example task into a repository.';
  static override description = 'Detects Python or Node projects to choose validators. Refuses to overwrite existing files unless --force.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --repo ../project --force'];
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    force: Flags.boolean({ description: 'overwrite files that already exist' }),
  };

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
    const project = detectProject(repo);
    const files: Record<string, string> = {
      '.pipe/config.yaml': configYaml(),
      '.pipe/policy.yaml': policyYaml(project.kind, basename(repo)),
      '.pipe/.gitignore': PIPE_GITIGNORE,
      'tasks/example.yaml': exampleTaskYaml(project.kind, project.validators),
    };
    const existing = Object.keys(files).filter((f) => existsSync(join(repo, f)));
    if (existing.length && !flags.force) {
      throw new PipeError('E_USAGE', `refusing to overwrite ${existing.join(', ')}`, { hint: 'pass --force to overwrite them' });
    }
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, name)), { recursive: true });
      writeFileSync(join(repo, name), text);
    }
    this.say(`detected a ${project.kind} project (${project.reason}); validators: ${project.validators.join(', ') || 'none'}`);
    for (const name of Object.keys(files)) this.say(`wrote ${name}`);
    this.say('next: edit tasks/example.yaml, then `pipe plan tasks/example.yaml` and `pipe run tasks/example.yaml`');
    return { repo, project_kind: project.kind, validators: project.validators, written: Object.keys(files) };
  }
}
