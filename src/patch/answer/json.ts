// JSON patches (schemas/proposal.schema.json), checked with the precompiled validator:
// one file change per path. A `replace` stays a text edit (its `old` is exact text, not
// lines); create/overwrite carry the whole new text; the summary joins the note.
import { validatorFor } from '../../dsl/schemas.js';
import type { Edit, Proposal } from '../../types/generated/index.js';
import { DiffSyntaxError } from '../parse-diff.js';
import type { FileChange, TextEdit } from './types.js';
import { plainFile } from './unified.js';

function schemaReason(errors: { instancePath: string; message?: string; keyword: string; params: unknown }[]): string {
  const useful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'const' && e.keyword !== 'if');
  const shown = (useful.length ? useful : errors).slice(0, 5);
  const parts = shown.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` ('${String((e.params as { additionalProperty?: string }).additionalProperty)}')` : ''}`);
  return `the JSON patch does not match proposal.schema.json: ${[...new Set(parts)].join('; ')}; send {"edits": [{"op": "replace", "path": …, "old": …, "new": …} | {"op": "create"|"overwrite", "path": …, "content": …} | {"op": "delete", "path": …}]}`;
}

function operationOf(edits: Edit[]): FileChange['file']['operation'] | string {
  const first = edits[0].op;
  const last = edits[edits.length - 1].op;
  if (first === 'create' && last === 'delete') return 'creates and then deletes the file';
  if (edits.slice(0, -1).some((e) => e.op === 'delete')) return 'edits the file after deleting it';
  if (edits.slice(1).some((e) => e.op === 'create')) return 'creates the file after editing it';
  if (edits.filter((e) => e.op === 'create' || e.op === 'overwrite').length > 1 || (edits.length > 1 && edits.some((e) => e.op === 'overwrite'))) return 'writes the whole file and edits it too';
  if (first === 'create') return 'create';
  if (last === 'delete') return 'delete';
  return 'modify';
}

/** Structured Outputs' strict schema sends optional keys as null ("count": null); the patch schema has them absent. */
function dropNulls(value: unknown): void {
  if (!value || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (record.summary === null) delete record.summary;
  if (!Array.isArray(record.edits)) return;
  for (const edit of record.edits) {
    if (!edit || typeof edit !== 'object') continue;
    for (const [k, v] of Object.entries(edit as Record<string, unknown>)) if (v === null) delete (edit as Record<string, unknown>)[k];
  }
}

/** Parses a JSON answer (already cut from the prose). `firstLine` is for messages. Returns the changes and the summary. */
export function readJsonPatch(text: string, firstLine: number): { changes: FileChange[]; summary: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DiffSyntaxError(`line ${firstLine}: the answer starts like JSON but is not valid JSON (${(err as Error).message}); send one JSON patch object`);
  }
  if (Array.isArray(value)) throw new DiffSyntaxError('the JSON patch is an array; send an object {"edits": [ … ]}');
  dropNulls(value);
  const validate = validatorFor('proposal');
  if (!validate(value)) throw new DiffSyntaxError(schemaReason((validate.errors ?? []) as never));
  const proposal = value as Proposal;
  const byPath = new Map<string, Edit[]>();
  for (const edit of proposal.edits) byPath.set(edit.path, [...(byPath.get(edit.path) ?? []), edit]);
  const changes: FileChange[] = [];
  for (const [rawPath, edits] of byPath) {
    const path = rawPath.replace(/^\.\//, '');
    const op = operationOf(edits);
    if (op !== 'create' && op !== 'delete' && op !== 'modify') throw new DiffSyntaxError(`the JSON patch ${op} ${path}; send one consistent set of edits per file`);
    const file = plainFile(path, op, firstLine);
    const whole = edits.find((e) => e.op === 'create' || e.op === 'overwrite');
    const textEdits: TextEdit[] = edits
      .filter((e): e is Extract<Edit, { op: 'replace' }> => e.op === 'replace')
      .map((e) => ({ kind: 'text', old: e.old, new: e.new, count: e.count ?? null, at: firstLine, label: `edit ${proposal.edits.indexOf(e) + 1} (replace ${path})` }));
    const content = whole && 'content' in whole ? whole.content : null;
    if (content !== null) file.linesAdded = content.split('\n').length;
    changes.push({ file, edits: textEdits, content, createOnly: op === 'create' });
  }
  return { changes, summary: proposal.summary ?? '' };
}
