// The documents `pipe replay` judges a recorded run under: by default those on disk now
// (the run's task file, the repository's config and policy files, the task's pipeline),
// with the replay's --task, --policy (merged last), --pipeline and --config in their
// place. A task file gone from disk is replaced by the task the run recorded. Loaded
// once per distinct set, like `pipe run` loads them (the same checks, exit 2 on bad input).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../errors.js';
import { loadTask } from '../dsl/documents.js';
import { displayPath } from '../dsl/resolve.js';
import type { LoadedRun, ReplayDocuments } from '../replay/types.js';
import { flagPath, openSession } from '../runner/session.js';

export interface ReplayDocumentFlags {
  policy: string[];
  pipeline?: string;
  config?: string;
  /** Task files that replace the recorded task of runs with the same task id. */
  task: string[];
  /** --validate: the task's validators must be able to start here. */
  validate: boolean;
}

export async function replayDocumentsResolver(repo: string, flags: ReplayDocumentFlags): Promise<(run: LoadedRun) => Promise<ReplayDocuments>> {
  const overrides = new Map<string, string>();
  for (const file of flags.task) {
    const { task, file: abs } = await loadTask(flagPath(file, repo));
    overrides.set(task.id, abs);
  }
  const cache = new Map<string, Promise<ReplayDocuments>>();
  return (run) => {
    const notes: string[] = [];
    const sources = run.record.sources;
    let taskFile = overrides.get(run.record.task_id) ?? sources?.task_file ?? null;
    if (!taskFile || !existsSync(taskFile)) {
      if (taskFile) notes.push(`task file ${displayPath(taskFile)} is gone; the task the run recorded was used`);
      taskFile = join(run.dir, run.record.documents.task.file);
    }
    const recordedPipeline = sources?.pipeline_from_flag ? sources.pipeline.replace(/^builtin:/, '') : undefined;
    const policy = [...(sources?.policy_flags ?? []).filter((f) => existsSync(f)), ...flags.policy.map((p) => flagPath(p, repo))];
    const key = JSON.stringify([taskFile, flags.pipeline ?? recordedPipeline, policy, flags.config]);
    let docs = cache.get(key);
    if (!docs) {
      const file = taskFile;
      docs = (async () => {
        const session = await openSession({ task: file, repo, pipeline: flags.pipeline ?? recordedPipeline, policy, provider: 'fake', config: flags.config, preflight: flags.validate });
        if (session.task.id !== run.record.task_id) {
          throw new PipeError('E_USAGE', `${displayPath(file)} is task '${session.task.id}', but run ${run.id} ran task '${run.record.task_id}'`, { hint: 'pass --task with a file of the same task id' });
        }
        return { task: session.task, taskFile: session.taskFile, taskDir: session.taskDir, pipeline: session.pipeline, policy: session.policy, config: session.config, project: session.project, notes: [] };
      })();
      cache.set(key, docs);
    }
    return docs.then((d) => ({ ...d, notes: [...notes, ...d.notes] }));
  };
}
