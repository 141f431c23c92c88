// A validator failure, as every output parser reports it (DSL.md §2 validate).

export interface Failure {
  validator: string;
  id: string;
  category: string;
  file: string | null;
  line: number | null;
  message: string;
}
