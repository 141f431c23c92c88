/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * What happens when the step fails: stop (default), continue, or retry from an earlier step.
 */
export type OnFail =
  | ('stop' | 'continue')
  | {
      /**
       * Id of an earlier step to go back to; bounded by the task's max_attempts and the convergence verdict.
       */
      retry: string;
      /**
       * What happens when retries are used up or stopped by the verdict.
       */
      then?: 'stop' | 'escalate';
      /**
       * Extension key: ignored by pipe.
       *
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` "^x-".
       */
      [k: string]:
        | {
            [k: string]: unknown;
          }
        | string
        | 'stop'
        | 'escalate'
        | undefined;
    };

/**
 * An ordered list of steps the runner interprets, plus finally steps that always run.
 */
export interface Pipeline {
  /**
   * Document format version; always pipe/v1.
   */
  apiVersion: 'pipe/v1';
  /**
   * Document kind.
   */
  kind: 'Pipeline';
  /**
   * Pipeline name.
   */
  name: string;
  /**
   * What the pipeline is for.
   */
  description?: string;
  /**
   * Parent pipeline: a path relative to this file, a built-in name, or an installed package specifier such as @acme/pipe-templates/python-fix.yaml.
   */
  extends?: string;
  /**
   * Named inputs with defaults; a task's inputs override them. Visible to expressions as inputs.<name>.
   */
  inputs?: {
    [k: string]: Input;
  };
  /**
   * Ids of inherited steps (or finally steps) to drop.
   */
  remove?: string[];
  /**
   * Steps run in order. In a child pipeline, a step whose id exists in the parent replaces it; insert_before/insert_after place new ones.
   */
  steps?: Step[];
  /**
   * Steps that always run after the main steps: on success, failure, budget block or interrupt.
   */
  finally?: Step[];
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Pipeline`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | 'pipe/v1'
    | 'Pipeline'
    | string
    | {
        [k: string]: Input;
      }
    | string[]
    | Step[]
    | undefined;
}
export interface Input {
  /**
   * What the input means.
   */
  description?: string;
  /**
   * Value used when the task gives none.
   */
  default?: {
    [k: string]: unknown;
  };
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Input`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string
    | undefined;
}
export interface Step {
  /**
   * Step id, unique in the pipeline; expressions see it as steps.<id>.
   */
  id: string;
  /**
   * Step type: route, budget, propose, gate, apply, validate, rollback or escalate.
   */
  uses: string;
  /**
   * Display name.
   */
  name?: string;
  /**
   * JSONata expression that must yield true or false; the step is skipped when false.
   */
  if?: string;
  /**
   * Arguments for the step type, checked against its with schema. A string that is exactly ${{ expr }} becomes the expression's value.
   */
  with?: {};
  on_fail?: OnFail;
  /**
   * Wall-clock limit for one execution of this step, seconds.
   */
  timeout_s?: number;
  /**
   * In a child pipeline: place this new step before the inherited step with this id.
   */
  insert_before?: string;
  /**
   * In a child pipeline: place this new step after the inherited step with this id.
   */
  insert_after?: string;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Step`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string
    | {}
    | OnFail
    | number
    | undefined;
}
