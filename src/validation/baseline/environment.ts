// Tells "the code fails its checks" from "the checks cannot run here", on the baseline's
// output. The second stops the run before any model call (exit 2): no patch can fix a
// missing pytest, a conftest that cannot import, or npx refusing to fetch a tool.
import { firstPytestErrorLine } from '../../exec/validators/index.js';
import { firstErrorLine } from '../run.js';
import { targetMatches } from './targets.js';
import type { BaselineValidator, EnvironmentProblem } from './types.js';

const DOWNLOAD = /npx canceled due to missing packages|need to install the following packages|npm (?:ERR!|error) (?:code E404|404\b|could not determine executable)|ENOTCACHED|request to https?:\/\/registry\.\S+ failed/i;
/** A runner's own count of zero tests: node --test (TAP `# tests 0`, spec `ℹ tests 0`), unittest (`Ran 0 tests`). */
const NO_TESTS = /^(?:# tests 0|ℹ tests 0|Ran 0 tests in \S+)$/m;
// Node could not resolve an installed package (ESM: `Cannot find package 'x' imported from`;
// CommonJS: `Cannot find module 'x'` with a bare name): the dependencies are not installed.
// A relative or absolute module ('../src/new.js') may be the very file the task is to write.
const NODE_PACKAGE_MISSING = /Cannot find package '([^']+)' imported from|Error: Cannot find module '((?![./])(?![A-Za-z]:)[^']+)'/;
const SCRIPT_NOT_FOUND = /^(?:sh|bash|\/bin\/sh)(?:: \d+)?: (?:line \d+: )?(\S+): (?:command )?not found/m;

function isPytest(v: BaselineValidator, parser: string): boolean {
  return parser === 'pytest' || v.argv.some((a) => /(^|\/)py\.?test$/.test(a));
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trimEnd());
}

/** Environment problems in one validator's baseline run (empty: it tested the code). */
export function environmentProblems(v: BaselineValidator, parser: string, targets: readonly string[]): EnvironmentProblem[] {
  const out = `${v.stdout}\n${v.stderr}`;
  const problem = (kind: EnvironmentProblem['kind'], line: string, fix: string): EnvironmentProblem[] => [{ validator: v.name, kind, line: line.trim().slice(0, 400), fix }];
  if (v.status === 'skipped') return problem('cancelled', v.note ?? 'not run', 'run again');
  // A test runner that found no test exits 0 (node --test on node 20 looks for *.test.js, not
  // *.test.ts; unittest before 3.12, 5 after): green, having checked nothing. Unless the task brings the tests.
  const none = v.status === 'passed' || v.exit_code === 5 ? NO_TESTS.exec(out) : null;
  if (none && !targets.length) {
    return problem('no-tests', none[0], `it ran no test, so it checks nothing: make validators.${v.name}.argv and cwd find the test files (node 20's \`node --test\` finds *.test.js, not *.test.ts), or, if the task adds the first tests, name them in the task's targets`);
  }
  if (v.status === 'passed') return [];
  if (v.timed_out) return problem('timeout', `timed out (${v.note ?? 'timeout_s'})`, `raise validators.${v.name}.timeout_s in the policy, or make the check faster`);
  if (v.note?.startsWith('could not start')) return problem('not-found', v.note, `install '${v.argv[0]}' or fix validators.${v.name}.argv`);
  const download = DOWNLOAD.exec(out);
  if (download) {
    const line = lines(out).find((l) => DOWNLOAD.test(l)) ?? download[0];
    return problem('download', line, "install the repository's dependencies (`npm ci` or `npm install`) so the tool is in node_modules/.bin; pipe never lets a validator download one");
  }
  const moduleMissing = /^(\S*python\S*): No module named (\S+)$/m.exec(out);
  if (moduleMissing && v.argv.includes('-m')) {
    return problem('missing-module', moduleMissing[0], `install ${moduleMissing[2]} for ${v.argv[0]} (e.g. \`${v.argv[0]} -m pip install ${moduleMissing[2]}\`), or point the validator at the interpreter that has it`);
  }
  const nodeMissing = NODE_PACKAGE_MISSING.exec(out);
  if (nodeMissing) {
    const name = nodeMissing[1] ?? nodeMissing[2];
    const line = lines(out).find((l) => NODE_PACKAGE_MISSING.test(l))?.replace(/^#\s*/, '') ?? nodeMissing[0];
    return problem('missing-module', line, `install the repository's dependencies (\`npm ci\` or \`npm install\`) so '${name}' is in node_modules; no patch can install it`);
  }
  const notFound = SCRIPT_NOT_FOUND.exec(out);
  if (notFound || v.exit_code === 127) {
    return problem('not-found', notFound?.[0] ?? firstErrorLine(out) ?? `exit code 127`, `install ${notFound?.[1] ?? 'the command'} (a script the validator runs calls it), e.g. \`npm ci\``);
  }
  if (isPytest(v, parser)) {
    const all = lines(out);
    if (/ImportError while loading conftest|while loading conftest/.test(out)) {
      const head = all.find((l) => /while loading conftest/.test(l)) ?? 'error while loading conftest';
      const e = firstPytestErrorLine(all);
      return problem('conftest', `${head}${e ? ` E ${e}` : ''}`, "make the conftest importable: install what it imports, or put the repository's import roots on the path (validation.python_path)");
    }
    if (v.exit_code === 5) return problem('no-tests', all.filter(Boolean).pop() ?? 'no tests ran', `pytest collected no tests: check validators.${v.name}.argv and cwd, and pytest's testpaths`);
    if (v.exit_code === 3 || v.exit_code === 4) {
      return problem('usage', firstErrorLine(out) ?? all.filter(Boolean)[0] ?? `pytest exited ${v.exit_code}`, `pytest stopped before testing (exit ${v.exit_code}): fix validators.${v.name}.argv or the pytest configuration`);
    }
  }
  // A test module that cannot be imported (pytest, unittest): its tests never ran.
  {
    const collection = v.failures.filter((f) => f.category === 'collection-error' && !targets.some((t) => targetMatches(t, f)));
    if (collection.length) {
      return collection.map((f) => ({
        validator: v.name,
        kind: 'collection-error' as const,
        line: f.message.slice(0, 400),
        fix: /ModuleNotFoundError|ImportError/.test(f.message)
          ? `install the missing module for the validator's interpreter, or add its folder to validation.python_path; if the task is to make ${f.file ?? 'this file'} importable, name it in the task's targets`
          : `fix ${f.file ?? 'the test module'} so the test runner can import it, or name it in the task's targets if the task is to fix it`,
      }));
    }
  }
  return [];
}
