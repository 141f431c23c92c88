/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the gate step: checks the proposal before anything is written.
 */
export interface GateWith {
  /**
   * Run git apply --check after the path and size checks.
   */
  git_apply_check?: boolean;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `GateWith`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | boolean
    | undefined;
}
