/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the apply step: checkpoints, then applies the gated patch.
 */
export interface ApplyWith {
  /**
   * Override safety.allow_dirty_files for this step (it can only be narrowed to false).
   */
  allow_dirty_files?: boolean;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `ApplyWith`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | boolean
    | undefined;
}
