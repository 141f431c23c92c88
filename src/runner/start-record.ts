// run.json and documents/: what a run records before its first step (format 2), so the
// run can be explained after its documents change and replayed by `pipe replay`.
import { documentTexts, spendAtStart, startingPoint } from '../records/start.js';
import { sha256 } from '../records/digest.js';
import { RECORD_FORMAT_VERSION, DOCUMENT_NAMES, type RunRecordFile, type SpendAtStart } from '../records/types.js';
import type { RunOptions } from './runner.js';
import type { RunServices } from './types.js';

export async function writeRunStart(options: RunOptions, run: { runId: string; startedAt: Date; services: RunServices }): Promise<void> {
  const { services } = run;
  const texts = documentTexts(options);
  const documents = {} as RunRecordFile['documents'];
  for (const name of DOCUMENT_NAMES) {
    const file = `documents/${name}.yaml`;
    await services.records.writeText(file, texts[name]);
    documents[name] = { file, sha256: sha256(texts[name]) };
  }
  const project = options.project ?? options.config.project ?? 'default';
  const location = options.ledgerLocation ?? options.config.ledger ?? '.pipe/ledger.sqlite';
  let spend: SpendAtStart | null = null;
  let spendError: string | null = null;
  try {
    spend = await spendAtStart(await services.ledger(), project, options.task.id, location);
  } catch (err) {
    // The budget step meets the same problem and reports it; the record says why spend is missing.
    spendError = err instanceof Error ? err.message : String(err);
  }
  const record: RunRecordFile = {
    format_version: RECORD_FORMAT_VERSION,
    run_id: run.runId,
    task_id: options.task.id,
    started_at: run.startedAt.toISOString(),
    provider: options.provider,
    project,
    approved_roles: options.approvedRoles ?? [],
    started_from: await startingPoint(services.exec, options.repo),
    sources: options.sources ?? null,
    documents,
    spend_at_start: spend,
    spend_at_start_error: spendError,
  };
  await services.records.writeJson('run.json', record);
}
