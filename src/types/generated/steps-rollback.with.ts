/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the rollback step: restores the checkpointed files.
 */
export interface RollbackWith {}
