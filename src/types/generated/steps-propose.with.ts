/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the propose step: calls the routed role's provider.
 */
export interface ProposeWith {
  /**
   * Expected answer kind; default: the role's mode.
   */
  output?: 'patch' | 'diagnosis' | 'label';
}
