/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the validate step: runs validators and judges convergence.
 */
export interface ValidateWith {
  /**
   * Validator names from the policy; default: the task's validators.
   */
  validators?: string[];
  /**
   * Override validation.fail_fast.
   */
  fail_fast?: boolean;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `ValidateWith`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string[]
    | boolean
    | undefined;
}
