// A validator's full (capped) output as kept in the run records:
// .pipe/runs/<id>/validators/<baseline|attempt-N>/<name>.log, read back by `pipe show --validators`.

export interface LoggedRun {
  name: string;
  argv: string[];
  status: string;
  exit_code: number | null;
  timed_out: boolean;
  duration_ms: number;
  output_truncated: boolean;
  note: string | null;
  stdout: string;
  stderr: string;
  /** The sandbox it ran in ('bwrap', 'none'…), when known. */
  sandbox?: string;
}

/** Records-dir-relative path of one validator's log. */
export function validatorLogPath(stage: 'baseline' | number, name: string): string {
  return `validators/${stage === 'baseline' ? 'baseline' : `attempt-${stage}`}/${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`;
}

export function formatValidatorLog(run: LoggedRun): string {
  const head = [
    `$ ${run.argv.join(' ')}`,
    `status ${run.status}; exit ${run.exit_code ?? '-'}${run.timed_out ? '; timed out' : ''}; ${run.duration_ms} ms${run.output_truncated ? '; output truncated at max_output_bytes' : ''}${run.note ? `; ${run.note}` : ''}`,
  ];
  if (run.sandbox) head.push(`sandbox ${run.sandbox}`);
  return `${head.join('\n')}\n--- stdout ---\n${run.stdout}${run.stdout.endsWith('\n') || !run.stdout ? '' : '\n'}--- stderr ---\n${run.stderr}${run.stderr.endsWith('\n') || !run.stderr ? '' : '\n'}`;
}
