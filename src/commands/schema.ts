import { Args } from '@oclif/core';
import { PipeCommand } from '../cli/base.js';
import { PipeError } from '../errors.js';

const DOCUMENT_KINDS = ['task', 'pipeline', 'policy', 'config', 'proposal'] as const;

export interface SchemaListJson {
  kinds: string[];
}

export default class Schema extends PipeCommand {
  static override summary = 'Print the JSON Schema of a document kind or of a step type\'s `with`.';
  static override description =
    'Kinds: task, pipeline, policy, config, proposal, and step:<type> (or just the step type name) for the `with` of a built-in step. With no kind, lists them. The schemas (draft 2020-12) are the source of truth for every file pipe reads; point your editor\'s YAML language server at them.';
  static override examples = ['<%= config.bin %> schema', '<%= config.bin %> schema pipeline', '<%= config.bin %> schema step:validate --json', '<%= config.bin %> schema gate'];
  static override args = {
    kind: Args.string({ description: 'task, pipeline, policy, config, proposal, or step:<type>' }),
  };

  async run(): Promise<Record<string, unknown> | SchemaListJson> {
    const { args } = await this.parse(Schema);
    const { readSchema, hasStepWithSchema } = await import('../dsl/schemas.js');
    const { BUILTIN_STEP_TYPES } = await import('../runner/registry.js');
    const stepKinds = BUILTIN_STEP_TYPES.filter((t) => hasStepWithSchema(t)).map((t) => `step:${t}`);
    const kinds = [...DOCUMENT_KINDS, ...stepKinds];
    if (!args.kind) {
      this.say(kinds.join('\n'));
      return { kinds };
    }
    const wanted = args.kind.trim().toLowerCase();
    let name: string | undefined;
    if ((DOCUMENT_KINDS as readonly string[]).includes(wanted)) name = wanted;
    else {
      const type = wanted.replace(/^step:/, '');
      if (hasStepWithSchema(type)) name = `steps/${type}.with`;
    }
    if (!name) {
      const { didYouMean } = await import('../dsl/suggest.js');
      throw new PipeError('E_USAGE', `unknown schema kind '${args.kind}'${didYouMean(wanted, [...kinds, ...BUILTIN_STEP_TYPES])}`, {
        hint: `one of: ${kinds.join(', ')}`,
      });
    }
    const schema = readSchema(name);
    this.say(JSON.stringify(schema, null, 2));
    return schema;
  }
}
