// JSON patches (schemas/proposal.schema.json): checked against the schema, then turned
// into one PatchFile per path. Their content is resolved against the tree by the gate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR } from '../paths.js';
import type { Edit, Proposal } from '../types/generated/index.js';
import type { FileOperation, ParseResult, PatchFile } from './types.js';

const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'proposal.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile<Proposal>(schema);

function schemaReason(): string {
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'const' && e.keyword !== 'if');
  const shown = (errors.length ? errors : (validate.errors ?? [])).slice(0, 5);
  const parts = shown.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` ('${String((e.params as { additionalProperty?: string }).additionalProperty)}')` : ''}`);
  return `the JSON patch does not match proposal.schema.json: ${[...new Set(parts)].join('; ')}; send {"edits": [{"op": "replace", "path": …, "old": …, "new": …} | {"op": "create"|"overwrite", "path": …, "content": …} | {"op": "delete", "path": …}]}`;
}

function operationOf(edits: Edit[]): FileOperation | string {
  const first = edits[0].op;
  const last = edits[edits.length - 1].op;
  if (first === 'create' && last === 'delete') return 'creates and then deletes the file';
  if (edits.slice(0, -1).some((e) => e.op === 'delete')) return 'edits the file after deleting it';
  if (edits.slice(1).some((e) => e.op === 'create')) return 'creates the file after editing it';
  if (first === 'create') return 'create';
  if (last === 'delete') return 'delete';
  return 'modify';
}

/** Parses a JSON answer (already stripped of any fence). `firstLine` is for messages. */
export function parseJsonProposal(text: string, firstLine: number): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `line ${firstLine}: the answer starts like JSON but is not valid JSON (${(err as Error).message}); send one unified diff or one JSON patch object` };
  }
  if (Array.isArray(value)) return { ok: false, reason: 'the JSON patch is an array; send an object {"edits": [ … ]}' };
  if (!validate(value)) return { ok: false, reason: schemaReason() };
  const byPath = new Map<string, Edit[]>();
  for (const edit of value.edits) byPath.set(edit.path, [...(byPath.get(edit.path) ?? []), edit]);
  const files: PatchFile[] = [];
  for (const [path, edits] of byPath) {
    const op = operationOf(edits);
    if (op !== 'create' && op !== 'delete' && op !== 'modify') return { ok: false, reason: `the JSON patch ${op} ${path}; send one consistent set of edits per file` };
    files.push({
      oldPath: op === 'create' ? null : path,
      newPath: op === 'delete' ? null : path,
      operation: op,
      oldMode: null,
      newMode: op === 'create' ? '100644' : null,
      binary: false,
      hunks: [],
      linesAdded: 0,
      linesRemoved: 0,
      line: firstLine,
      extraHeaders: [],
      binaryPayload: [],
    });
  }
  return { ok: true, patch: { format: 'json', files, diffText: '', edits: value.edits, bytes: Buffer.byteLength(text) } };
}
