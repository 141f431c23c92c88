// JSONata expressions: scope as data, bounded evaluation, fail-closed conditions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileExpression, evaluateCondition, resolveWith } from '../../src/dsl/expressions.js';
import { PipeError } from '../../src/errors.js';
import { thrown } from '../helpers/throws.js';

const scope = {
  task: { id: 't', validators: ['ruff', 'pytest'], intent: 'bugfix' },
  inputs: { level: 2 },
  steps: { gate: { status: 'failed', output: { reason: 'path' } } },
  attempt: 2,
  run: { status: 'failed' },
  policy: {},
};

async function rejects(p: Promise<unknown>): Promise<PipeError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, PipeError);
    return err as PipeError;
  }
  throw new Error('expected a PipeError');
}

test('conditions see the documented scope', async () => {
  assert.is(await evaluateCondition(compileExpression("run.status != 'succeeded'"), scope), true);
  assert.is(await evaluateCondition(compileExpression("steps.gate.status = 'failed' and attempt > 1"), scope), true);
  assert.is(await evaluateCondition(compileExpression('inputs.level > 5'), scope), false);
  // Scope values are bindings too.
  assert.is(await evaluateCondition(compileExpression("$task.intent = 'bugfix'"), scope), true);
});

test('scope values are data, never expression text', async () => {
  const hostile = { ...scope, task: { ...scope.task, id: "') or true or ('" } };
  assert.is(await evaluateCondition(compileExpression("task.id = 'x'"), hostile), false);
});

test('a non-boolean condition is an error, not truthy', async () => {
  const e = await rejects(evaluateCondition(compileExpression('task.validators', { file: 'p.yaml', line: 7, column: 9, pointer: '/steps/0/if' }), scope));
  assert.is(e.code, 'E_EXPRESSION');
  assert.is(e.message, `p.yaml:7:9: condition 'task.validators' must yield true or false, got a list ["ruff","pytest"]`);
  const u = await rejects(evaluateCondition(compileExpression('task.missing'), scope));
  assert.is(u.message, "condition 'task.missing' must yield true or false, got nothing (undefined)");
});

test('a parse error carries its position', () => {
  {
    const err = thrown(() => compileExpression('a = ', { file: 'p.yaml', line: 3, column: 10, pointer: '/steps/0/if' }));
    const e = err as PipeError;
    assert.is(e.code, 'E_EXPRESSION');
    assert.is(e.message, 'p.yaml:3:10: expression does not parse: Unexpected end of expression (at character 4)');
    assert.equal({ line: e.diagnostics[0].line, column: e.diagnostics[0].column }, { line: 3, column: 13 });
  }
});

test('infinite recursion comes back as E_EXPRESSION, stopped by the 1 s limit', async () => {
  const e = await rejects(compileExpression('($f := function($x){ $f($x) }; $f(1))').evaluate(scope));
  assert.is(e.code, 'E_EXPRESSION');
  assert.is(e.message, "expression '($f := function($x){ $f($x) }; $f(1))' ran longer than 1000 ms and was stopped (an infinite loop?)");
});

test('deep non-tail recursion stops at the depth limit', async () => {
  const e = await rejects(compileExpression('($f := function($x){ $f($x) + 1 }; $f(1))').evaluate(scope));
  assert.is(e.message, "expression '($f := function($x){ $f($x) + 1 }; $f(1))' recursed deeper than 300 levels and was stopped (a runaway recursion?)");
});

test('a huge range is refused by its size, not by the time limit', async () => {
  for (const src of ['[1..100000000]', '$count([1..5000000])']) {
    const e = await rejects(compileExpression(src).evaluate(scope));
    assert.is(e.code, 'E_EXPRESSION');
    assert.is(e.message, `expression '${src}' built a sequence larger than 100000 items and was stopped`);
  }
});

test('a shorter time limit per evaluation', async () => {
  const e = await rejects(compileExpression('($f := function($x){ $f($x) }; $f(1))').evaluate(scope, { timeoutMs: 100 }));
  assert.match(e.message, /ran longer than 100 ms/);
});

test('$eval is disabled', async () => {
  const e = await rejects(compileExpression('$eval("1 + 1")').evaluate(scope));
  assert.is(e.code, 'E_EXPRESSION');
  assert.is(e.message, `expression '$eval("1 + 1")' failed: $eval() is disabled in pipe expressions`);
});

test('resolveWith: whole-string expressions keep their type; embedded ones interpolate', async () => {
  const out = await resolveWith(
    {
      validators: '${{ task.validators }}',
      count: '${{ attempt * 2 }}',
      label: 'attempt ${{ attempt }} of ${{ task.id }}: ${{ steps.gate.output }}',
      nested: [{ v: '${{ inputs.level }}' }, 'plain', 3, true, null],
      missing: '${{ task.nope }}',
    },
    scope,
  );
  assert.equal(out, {
    validators: ['ruff', 'pytest'],
    count: 4,
    label: 'attempt 2 of t: {"reason":"path"}',
    nested: [{ v: 2 }, 'plain', 3, true, null],
    missing: undefined,
  });
});

test('resolveWith: an expression error names where it came from', async () => {
  const e = await rejects(resolveWith({ a: '${{ $eval("1") }}' }, scope, { file: 'p.yaml', line: 4, column: 5, pointer: '/steps/1/with' }));
  assert.is(e.message, `p.yaml:4:5: expression '$eval("1")' failed: $eval() is disabled in pipe expressions`);
});

test('compiled once per source', () => {
  const a = compileExpression('attempt > 1');
  const b = compileExpression('attempt > 1', { file: 'x.yaml', line: 1, column: 1, pointer: '' });
  assert.is(a.source, b.source);
  assert.is(b.where?.file, 'x.yaml');
});

test.run();
