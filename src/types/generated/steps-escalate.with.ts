/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Arguments of the escalate step: writes the escalation packet and asks a reviewer for a diagnosis.
 */
export interface EscalateWith {
  /**
   * Use this role instead of the routing rules.
   */
  reviewer?:
    | 'mechanical_worker'
    | 'classification_worker'
    | 'simple_builder'
    | 'general_builder'
    | 'coding_optimized_builder'
    | 'frontier_reviewer'
    | 'emergency_pro_reviewer';
  /**
   * Override escalation.ask_reviewer.
   */
  ask_reviewer?: boolean;
  /**
   * The question put to the reviewer.
   */
  question?: string;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `EscalateWith`'s JSON-Schema definition
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
    | boolean
    | string
    | undefined;
}
