/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

export type Edit = Replace | Create | Overwrite | Delete;
/**
 * Path relative to the repository root, with forward slashes.
 */
export type Path = string;

/**
 * A JSON patch a model may answer with instead of a unified diff: a list of file edits.
 */
export interface Proposal {
  /**
   * One paragraph on what the edits do.
   */
  summary?: string;
  /**
   * Edits applied in order.
   *
   * @minItems 1
   * @maxItems 200
   */
  edits: [Edit, ...Edit[]];
}
/**
 * Replace one exact occurrence of old with new in an existing file.
 */
export interface Replace {
  /**
   * Replace exact text.
   */
  op: 'replace';
  path: Path;
  /**
   * Exact existing text; must occur exactly once (or count times).
   */
  old: string;
  /**
   * Replacement text.
   */
  new: string;
  /**
   * How many occurrences must exist and are replaced (default 1).
   */
  count?: number;
}
/**
 * Create a file that does not exist.
 */
export interface Create {
  /**
   * Create a new file.
   */
  op: 'create';
  path: Path;
  /**
   * The new file's text.
   */
  content: string;
}
/**
 * Replace an existing file's whole text.
 */
export interface Overwrite {
  /**
   * Rewrite an existing file.
   */
  op: 'overwrite';
  path: Path;
  /**
   * The file's new text.
   */
  content: string;
}
/**
 * Delete an existing file (only when the policy allows deletes).
 */
export interface Delete {
  /**
   * Delete a file.
   */
  op: 'delete';
  path: Path;
}
