/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * One bounded piece of work for pipe to carry out in a repository.
 */
export interface Task {
  /**
   * Document format version; always pipe/v1.
   */
  apiVersion: 'pipe/v1';
  /**
   * Document kind.
   */
  kind: 'Task';
  /**
   * Task identifier, unique per repository: lower-case letters, digits, '-', '_' and '.'.
   */
  id: string;
  /**
   * What must be true when the task is done; sent to the model.
   */
  goal: string;
  /**
   * The kind of work; routing rules pick a capability role from it.
   */
  intent:
    | 'mechanical_edit'
    | 'classification'
    | 'summarize'
    | 'small_change'
    | 'bugfix'
    | 'feature'
    | 'integration'
    | 'review';
  /**
   * Built-in pipeline name (fix, implement, diagnose, classify), a path relative to this file, or a package specifier. Default: fix.
   */
  pipeline?: string;
  /**
   * Globs (relative to the repo root) of the files a patch may touch.
   */
  allowed_files: string[];
  /**
   * Globs of read-only files sent to the model as context. Default: allowed_files.
   */
  context_files?: string[];
  /**
   * Names of validators defined in the policy's validators map, run after each applied patch.
   */
  validators?: string[];
  /**
   * Checks that must end green: a test id (pytest node id `tests/test_x.py::test_a`, a test file `tests/test_x.py`, or a TAP test name) or a validator name (that validator must pass). Failures outside the targets that the baseline already had are reported as pre-existing, not charged to the patch. Without targets: see docs/validation.md (Baseline).
   */
  targets?: string[];
  /**
   * How many attempts (route → propose → apply → validate) at most, including the first.
   */
  max_attempts?: number;
  /**
   * Task-level caps; never above the policy's.
   */
  budget?: {
    /**
     * Most this task may spend, in USD, over all its runs.
     */
    max_usd?: number;
    /**
     * Wall-clock limit for one run of this task, in seconds.
     */
    max_runtime_s?: number;
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
      | number
      | undefined;
  };
  /**
   * Values for the pipeline's inputs, visible to expressions as inputs.<name>.
   */
  inputs?: {};
  fake?: FakeScript;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Task`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | 'pipe/v1'
    | 'Task'
    | string
    | 'mechanical_edit'
    | 'classification'
    | 'summarize'
    | 'small_change'
    | 'bugfix'
    | 'feature'
    | 'integration'
    | 'review'
    | string[]
    | number
    | {
        /**
         * Most this task may spend, in USD, over all its runs.
         */
        max_usd?: number;
        /**
         * Wall-clock limit for one run of this task, in seconds.
         */
        max_runtime_s?: number;
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
          | number
          | undefined;
      }
    | {}
    | FakeScript
    | undefined;
}
/**
 * What the fake provider answers, one response per call, in order.
 */
export interface FakeScript {
  /**
   * Scripted responses, consumed one per provider call.
   */
  responses: FakeResponse[];
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `FakeScript`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | FakeResponse[];
}
/**
 * One scripted answer: a patch file, inline text, a diagnosis or an error.
 */
export interface FakeResponse {
  /**
   * File whose text is the answer (a diff or JSON patch), relative to the task file or absolute.
   */
  patch_file?: string;
  /**
   * The answer's text, inline.
   */
  text?: string;
  /**
   * A reviewer's diagnosis.
   */
  diagnosis?: string;
  /**
   * A scripted provider failure.
   */
  error?:
    | 'rate_limited'
    | 'tier_unavailable'
    | 'timeout'
    | 'truncated'
    | 'refused'
    | 'bad_request'
    | 'auth'
    | 'server_error';
  /**
   * Service tier the fake reports as served (default: the requested one).
   */
  tier?: string;
  /**
   * Milliseconds the fake waits before answering, as a slow model would (crash and progress tests).
   */
  delay_ms?: number;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `FakeResponse`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string
    | 'rate_limited'
    | 'tier_unavailable'
    | 'timeout'
    | 'truncated'
    | 'refused'
    | 'bad_request'
    | 'auth'
    | 'server_error'
    | number
    | undefined;
}
