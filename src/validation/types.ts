// A validator failure, as every output parser reports it (DSL.md §2 validate).
import type { RunValidatorsOptions, ValidatorOutcome } from './run.js';

export interface Failure {
  validator: string;
  id: string;
  category: string;
  file: string | null;
  line: number | null;
  message: string;
  /** The test it names (pytest node id, TAP test name), when it names one: what `targets:` match. */
  test?: string;
}

/** What the validate step asks the validator runner (ctx.services.validators) to run. */
export interface ValidationRequest extends RunValidatorsOptions {
  attempt: number;
  /** sha256 of the canonical diff applied in this attempt, or null when nothing was applied. */
  patchSha256: string | null;
}

/** Runs validators; the real one is runValidators, `pipe replay` answers from the records. */
export type ValidatorRunner = (request: ValidationRequest) => Promise<ValidatorOutcome[]>;
