/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the propose step: calls the routed role's provider.
 */
export interface ProposeWith {
  /**
   * Expected answer kind; default: the role's mode.
   */
  output?: 'patch' | 'diagnosis' | 'label';
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `ProposeWith`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | 'patch'
    | 'diagnosis'
    | 'label'
    | undefined;
}
