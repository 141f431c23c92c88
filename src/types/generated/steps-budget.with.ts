/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the budget step: builds the scoped context, projects the cost and reserves it.
 */
export interface BudgetWith {
  /**
   * Block a single call projected above this many USD.
   */
  max_call_usd?: number;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `BudgetWith`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | number
    | undefined;
}
