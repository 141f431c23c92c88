// The unittest parser on recorded real output of Python 3.10 and 3.11 (which print the
// test id differently), and on output made here by a real `python3 -m unittest` run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { PARSERS } from '../../src/exec/validators/index.js';
import { ROOT, cleanup, makeRepo } from '../helpers/repo.js';

const DIR = join(ROOT, 'test', 'fixtures', 'validator-output');
const parse = (stderr: string, repo = '/tmp/ut') => PARSERS.unittest({ validator: 'unittest', exitCode: 1, timedOut: false, stdout: '', stderr, repo, cwd: '' });

test('unittest: one failure per FAIL/ERROR block, with the real error line and the test frame', () => {
  const failures = parse(readFileSync(join(DIR, 'unittest-py311.txt'), 'utf8'));
  assert.equal(
    failures.map((f) => [f.category, f.file, f.line, f.message]),
    [
      ['test-error', 'tests/test_a.py', 10, 'tests.test_a.TestAdd.test_err: ValueError: boom'],
      ['collection-error', 'tests/test_b.py', 2, "tests.test_b: ModuleNotFoundError: No module named 'nosuchmod'"],
      ['test-failure', 'tests/test_a.py', 6, 'tests.test_a.TestAdd.test_add: AssertionError: -1 != 5'],
      ['test-failure', 'tests/test_a.py', 17, 'tests.test_a.TestAdd.test_sub (i=1): AssertionError: 1 != 0'],
    ],
  );
  for (const f of failures) assert.match(f.id, /^[0-9a-f]{16}$/);
});

test('unittest: Python 3.10 and 3.11 headers give the same ids for the same tests', () => {
  const ids = (file: string) => parse(readFileSync(join(DIR, file), 'utf8')).map((f) => f.id).sort();
  assert.equal(ids('unittest-py310.txt'), ids('unittest-py311.txt'));
  assert.is(ids('unittest-py310.txt').length, 4);
});

test('unittest: the id follows the test, not the wrong value it prints', () => {
  const a = parse(readFileSync(join(DIR, 'unittest-py311.txt'), 'utf8'));
  const b = parse(readFileSync(join(DIR, 'unittest-py311.txt'), 'utf8').replace('-1 != 5', '7 != 5').replace('line 6,', 'line 9,'));
  assert.equal(a.map((f) => f.id), b.map((f) => f.id));
  assert.is.not(a[2].message, b[2].message);
});

test('unittest: a passing run and an empty run give no failures', () => {
  assert.equal(parse('..\n----------------------------------------------------------------------\nRan 2 tests in 0.001s\n\nOK\n'), []);
  assert.equal(parse(''), []);
});

test('unittest: real output of python3 -m unittest in a temp repository', () => {
  const repo = makeRepo({
    'calc/__init__.py': 'def add(a, b):\n    return a - b\n\n\ndef lines(n):\n    return "\\n".join(str(i) for i in range(n))\n\n\ndef parse(s):\n    try:\n        return int(s)\n    except ValueError:\n        raise KeyError(s)\n',
    'tests/__init__.py': '',
    'tests/test_calc.py': [
      'import unittest',
      'from calc import add, lines, parse',
      '',
      '',
      'class AddTest(unittest.TestCase):',
      '    def test_add(self):',
      '        self.assertEqual(add(2, 3), 5)',
      '',
      '    def test_zero(self):',
      '        self.assertEqual(add(0, 0), 0)',
      '',
      '    def test_lines(self):',
      '        self.assertEqual(lines(3), "0\\n1\\n3")',
      '',
      '    def test_parse(self):',
      '        self.assertEqual(parse("x"), 1)',
      '',
    ].join('\n'),
  });
  try {
    let stderr = '';
    try {
      execFileSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      stderr = String((err as { stderr?: string }).stderr ?? '');
    }
    const failures = parse(stderr, repo);
    // The exception line, not the diff assertEqual prints under it; the test's own frame, also
    // when the error is raised deeper in the code; the final exception of a chain.
    assert.equal(failures.map((f) => [f.category, f.file, f.line, f.message]), [
      ['test-error', 'tests/test_calc.py', 16, "tests.test_calc.AddTest.test_parse: KeyError: 'x'"],
      ['test-failure', 'tests/test_calc.py', 7, 'tests.test_calc.AddTest.test_add: AssertionError: -1 != 5'],
      ['test-failure', 'tests/test_calc.py', 13, "tests.test_calc.AddTest.test_lines: AssertionError: '0\\n1\\n2' != '0\\n1\\n3'"],
    ]);
  } finally {
    cleanup(repo);
  }
});

test.run();
