/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Per-repository settings: provider, ledger and policy files (.pipe/config.yaml).
 */
export interface Config {
  /**
   * Document format version; always pipe/v1.
   */
  apiVersion: 'pipe/v1';
  /**
   * Document kind.
   */
  kind: 'Config';
  /**
   * Which provider answers model calls. openai also needs OPENAI_API_KEY.
   */
  provider?: 'fake' | 'openai';
  /**
   * Budget ledger: a SQLite file path (relative to the repo root; default .pipe/ledger.sqlite) or a postgres:// URL.
   */
  ledger?: string;
  /**
   * Name of the budget scope shared by everything that uses this ledger. Default: default.
   */
  project?: string;
  /**
   * Policy files merged in order after the built-in default policy (paths relative to the repo root, or package specifiers).
   */
  policies?: string[];
  /**
   * Start from the built-in default policy before merging the listed files.
   */
  use_default_policy?: boolean;
  /**
   * Folder searched for pipelines named by a task before the built-ins. Default: pipelines.
   */
  pipelines_dir?: string;
  /**
   * OpenAI provider settings. The API key only ever comes from OPENAI_API_KEY.
   */
  openai?: {
    /**
     * Any OpenAI-compatible server; OPENAI_BASE_URL overrides it.
     */
    base_url?: string;
    /**
     * Which API to call: Chat Completions or Responses.
     */
    api?: 'chat' | 'responses';
    /**
     * Request timeout for default and priority tiers, seconds.
     */
    timeout_s?: number;
    /**
     * Request timeout for the flex tier, seconds.
     */
    flex_timeout_s?: number;
    /**
     * SDK retries for non-flex calls (flex runs with retries off; pipe's tier policy decides).
     */
    max_retries?: number;
    /**
     * OpenAI organization id (not a secret).
     */
    organization?: string;
    /**
     * OpenAI project id (not a secret).
     */
    project?: string;
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
      | 'chat'
      | 'responses'
      | number
      | undefined;
  };
  fake?: FakeScript;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Config`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | 'pipe/v1'
    | 'Config'
    | 'fake'
    | 'openai'
    | string
    | string[]
    | boolean
    | {
        /**
         * Any OpenAI-compatible server; OPENAI_BASE_URL overrides it.
         */
        base_url?: string;
        /**
         * Which API to call: Chat Completions or Responses.
         */
        api?: 'chat' | 'responses';
        /**
         * Request timeout for default and priority tiers, seconds.
         */
        timeout_s?: number;
        /**
         * Request timeout for the flex tier, seconds.
         */
        flex_timeout_s?: number;
        /**
         * SDK retries for non-flex calls (flex runs with retries off; pipe's tier policy decides).
         */
        max_retries?: number;
        /**
         * OpenAI organization id (not a secret).
         */
        organization?: string;
        /**
         * OpenAI project id (not a secret).
         */
        project?: string;
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
          | 'chat'
          | 'responses'
          | number
          | undefined;
      }
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
