// Composition: policy files deep-merge in order; a child pipeline edits its parent's
// steps by id (replace in place, insert_before / insert_after, remove).
import type { Diagnostic } from '../errors.js';
import type { Policy, Step } from '../types/generated/index.js';
import type { LoadedYaml } from './load.js';
import { didYouMean } from './suggest.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Later wins; maps merge key by key, recursively; arrays and scalars replace. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : structuredClone(v);
  return out;
}

/** Merges policy documents in order (later wins, maps deep-merge, arrays replace). */
export function mergePolicies(docs: Policy[]): Policy {
  let merged: unknown = { apiVersion: 'pipe/v1', kind: 'Policy' };
  for (const d of docs) merged = deepMerge(merged, d);
  return merged as Policy;
}

/** A step with where it was written, so errors after composition still point at the right file. */
export interface StepOrigin {
  step: Step;
  loaded: LoadedYaml;
  /** JSON pointer of the step in its file, e.g. /steps/2. */
  pointer: string;
}

export interface ComposeInput {
  parent: StepOrigin[];
  child: StepOrigin[];
  /** Ids of inherited steps to drop (already checked to exist somewhere). */
  remove: Set<string>;
  /** The other list's ids, to say "that step is in finally" instead of "unknown". */
  otherIds: Set<string>;
  listName: 'steps' | 'finally';
}

/** Applies a child's step list to its parent's; returns the new list and any problems. */
export function composeSteps(input: ComposeInput): { steps: StepOrigin[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let list = input.parent.filter((s) => !input.remove.has(s.step.id));
  // Several steps inserted after the same anchor keep the child's order.
  const lastAfter = new Map<string, string>();
  for (const item of input.child) {
    const { step } = item;
    const before = step.insert_before;
    const after = step.insert_after;
    if (before !== undefined && after !== undefined) {
      diagnostics.push(item.loaded.diagnostic(`${item.pointer}/insert_after`, 'a step takes insert_before or insert_after, not both', 'compose', { atKey: true }));
      continue;
    }
    const anchor = before ?? after;
    if (anchor !== undefined) {
      const key = before !== undefined ? 'insert_before' : 'insert_after';
      const ids = list.map((s) => s.step.id).filter((id) => id !== step.id);
      if (!ids.includes(anchor)) {
        const where = input.otherIds.has(anchor) ? ` (it is in ${input.listName === 'steps' ? 'finally' : 'steps'}; steps and finally are placed separately)` : didYouMean(anchor, ids);
        diagnostics.push(item.loaded.diagnostic(`${item.pointer}/${key}`, `${key}: no inherited step '${anchor}' in ${input.listName}${where}`, 'compose'));
        continue;
      }
      list = list.filter((s) => s.step.id !== step.id); // an inherited id with insert_* moves the step
      let index: number;
      if (before !== undefined) index = list.findIndex((s) => s.step.id === anchor);
      else {
        const last = lastAfter.get(anchor) ?? anchor;
        index = list.findIndex((s) => s.step.id === last) + 1;
        lastAfter.set(anchor, step.id);
      }
      list.splice(index, 0, item);
      continue;
    }
    const existing = list.findIndex((s) => s.step.id === step.id);
    if (existing >= 0) list[existing] = item;
    else list.push(item);
  }
  return { steps: list, diagnostics };
}
