/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the route step: picks role, model, tier and reasoning effort.
 */
export interface RouteWith {
  /**
   * Use this role instead of the routing rules.
   */
  role?:
    | 'mechanical_worker'
    | 'classification_worker'
    | 'simple_builder'
    | 'general_builder'
    | 'coding_optimized_builder'
    | 'frontier_reviewer'
    | 'emergency_pro_reviewer';
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `RouteWith`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | 'mechanical_worker'
    | 'classification_worker'
    | 'simple_builder'
    | 'general_builder'
    | 'coding_optimized_builder'
    | 'frontier_reviewer'
    | 'emergency_pro_reviewer'
    | undefined;
}
