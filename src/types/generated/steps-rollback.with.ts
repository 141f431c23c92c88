/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the rollback step: restores the checkpointed files.
 */
export interface RollbackWith {
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `RollbackWith`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]: {
    [k: string]: unknown;
  };
}
