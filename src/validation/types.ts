// A validator failure, as every output parser reports it (DSL.md §2 validate).

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
