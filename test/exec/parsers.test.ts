// Parsers on recorded real outputs (golden files), plus id stability across attempts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PARSERS, failureId, getParser, normaliseMessage, type ParserName } from '../../src/exec/validators/index.js';
import { ROOT } from '../helpers/repo.js';

const DIR = join(ROOT, 'test', 'fixtures', 'validator-output');

const CASES: { parser: ParserName; file: string; repo: string; exitCode: number; expectCount: number }[] = [
  { parser: 'ruff', file: 'ruff.json', repo: '/tmp/pyfx', exitCode: 1, expectCount: 3 },
  { parser: 'mypy', file: 'mypy.txt', repo: '/tmp/pyfx', exitCode: 1, expectCount: 3 },
  { parser: 'pytest', file: 'pytest-failures.txt', repo: '/tmp/pyfx', exitCode: 1, expectCount: 2 },
  { parser: 'pytest', file: 'pytest-mixed.txt', repo: '/tmp/pyfx', exitCode: 1, expectCount: 3 },
  { parser: 'pytest', file: 'pytest-errors.txt', repo: '/tmp/pyfx', exitCode: 2, expectCount: 1 },
  { parser: 'tsc', file: 'tsc.txt', repo: '/tmp/tsfx', exitCode: 1, expectCount: 3 },
  { parser: 'eslint', file: 'eslint.json', repo: '/tmp/eslintfx', exitCode: 1, expectCount: 4 },
];

for (const c of CASES) {
  test(`${c.parser} parses ${c.file} (golden)`, () => {
    const stdout = readFileSync(join(DIR, c.file), 'utf8');
    const failures = PARSERS[c.parser]({ validator: c.parser, exitCode: c.exitCode, timedOut: false, stdout, stderr: '', repo: c.repo, cwd: '' });
    const golden = join(DIR, `${c.file}.expected.json`);
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, `${JSON.stringify(failures, null, 2)}\n`);
    assert.equal(failures, JSON.parse(readFileSync(golden, 'utf8')));
    assert.is(failures.length, c.expectCount);
    for (const f of failures) {
      assert.is(f.validator, c.parser);
      assert.match(f.id, /^[0-9a-f]{16}$/);
      assert.ok(f.file === null || !f.file.startsWith('/'), `repo-relative path: ${f.file}`);
    }
  });
}

test('ruff: codes become categories, null code is a syntax error, paths are repo-relative', () => {
  const f = PARSERS.ruff({ validator: 'ruff', exitCode: 1, timedOut: false, stdout: readFileSync(join(DIR, 'ruff.json'), 'utf8'), stderr: '', repo: '/tmp/pyfx', cwd: '' });
  assert.equal(f.map((x) => [x.category, x.file, x.line]), [['F401', 'slug/core.py', 1], ['E741', 'slug/core.py', 12], ['syntax-error', 'tests/test_slug.py', 3]]);
  assert.equal(PARSERS.ruff({ validator: 'ruff', exitCode: 0, timedOut: false, stdout: '[]', stderr: '', repo: '/r', cwd: '' }), []);
  assert.equal(PARSERS.ruff({ validator: 'ruff', exitCode: 2, timedOut: false, stdout: 'error: not json', stderr: '', repo: '/r', cwd: '' }), []);
});

test('mypy: error codes are categories; notes and the summary are skipped', () => {
  const out = 'a.py:3:5: error: Name "x" is not defined  [name-defined]\na.py:3:5: note: See docs\nb.py: error: Cannot find module  [import]\nFound 2 errors in 2 files\n';
  const f = PARSERS.mypy({ validator: 'mypy', exitCode: 1, timedOut: false, stdout: out, stderr: '', repo: '/r', cwd: 'pkg' });
  assert.equal(f.map((x) => [x.category, x.file, x.line, x.message]), [
    ['name-defined', 'pkg/a.py', 3, 'Name "x" is not defined'],
    ['import', 'pkg/b.py', null, 'Cannot find module'],
  ]);
});

test('pytest: the id follows the test, not the changing assertion text or line', () => {
  const a = 'FAILED tests/test_x.py::test_a - AssertionError: assert 1 == 2\n';
  const b = 'FAILED tests/test_x.py::test_a - AssertionError: assert 5 == "x"\n';
  const pa = PARSERS.pytest({ validator: 'pytest', exitCode: 1, timedOut: false, stdout: a, stderr: '', repo: '/r', cwd: '' });
  const pb = PARSERS.pytest({ validator: 'pytest', exitCode: 1, timedOut: false, stdout: b, stderr: '', repo: '/r', cwd: '' });
  assert.is(pa[0].id, pb[0].id);
  assert.is(pa[0].category, 'test-failure');
  const mixed = PARSERS.pytest({ validator: 'pytest', exitCode: 1, timedOut: false, stdout: readFileSync(join(DIR, 'pytest-mixed.txt'), 'utf8'), stderr: '', repo: '/tmp/pyfx', cwd: '' });
  assert.equal(mixed.map((x) => [x.category, x.file, x.line]), [['test-failure', 'tests/test_slug.py', 9], ['test-failure', 'tests/test_slug.py', 13], ['test-error', 'tests/test_broken.py', 7]]);
});

test('tsc: message chains are joined; project errors have no file', () => {
  const out = "src/a.ts(1,7): error TS2322: Type '{ a: string; }' is not assignable to type 'T'.\n  Property 'b' is missing in type '{ a: string; }'.\nerror TS5023: Unknown compiler option 'foo'.\n";
  const f = PARSERS.tsc({ validator: 'tsc', exitCode: 2, timedOut: false, stdout: out, stderr: '', repo: '/r', cwd: '' });
  assert.is(f.length, 2);
  assert.is(f[0].message, "Type '{ a: string; }' is not assignable to type 'T'. Property 'b' is missing in type '{ a: string; }'.");
  assert.equal([f[1].category, f[1].file, f[1].line], ['TS5023', null, null]);
});

test('eslint: only severity 2 counts; parse errors without a rule get a category', () => {
  const f = PARSERS.eslint({ validator: 'eslint', exitCode: 1, timedOut: false, stdout: readFileSync(join(DIR, 'eslint.json'), 'utf8'), stderr: '', repo: '/tmp/eslintfx', cwd: '' });
  assert.ok(f.every((x) => !/===/.test(x.message)), 'warnings skipped');
  assert.ok(f.some((x) => x.category === 'parse-error' && x.file === 'src/broken.js'));
});

test('ids ignore line and column shifts but not the problem', () => {
  assert.is(failureId('mypy', 'arg-type', 'a.py', 'Argument 1 at a.py:12:5'), failureId('mypy', 'arg-type', 'a.py', 'Argument 1 at a.py:40:1'));
  assert.is.not(failureId('mypy', 'arg-type', 'a.py', 'Argument "x"'), failureId('mypy', 'arg-type', 'a.py', 'Argument "y"'));
  assert.is.not(failureId('mypy', 'arg-type', 'a.py', 'same'), failureId('mypy', 'arg-type', 'b.py', 'same'));
  assert.is(normaliseMessage('  Took 0.53s  at 0xDEADbeef line 12 '), 'took #s at <addr> line #');
  assert.is.not(failureId('pytest', 'test-failure', 't.py', 't.py::test_1'), failureId('pytest', 'test-failure', 't.py', 't.py::test_2'));
  assert.is(getParser(undefined), PARSERS['exit-code']);
  assert.throws(() => getParser('junit'), /unknown validator parser 'junit'/);
});

test('the PARSERS table holds exactly the parsers the policy schema lets a validator name', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'policy.schema.json'), 'utf8'));
  assert.equal(Object.keys(PARSERS).sort(), [...schema.$defs.validator.properties.parser.enum].sort());
});

test.run();
