// Loading YAML with positions: every input problem is a positioned PipeError, never a stack trace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadYamlFile, parseYamlText, MAX_YAML_BYTES } from '../../src/dsl/load.js';
import { validateFiles } from '../../src/dsl/documents.js';
import { PipeError, formatDiagnostic } from '../../src/errors.js';
import { tempDir, cleanup } from '../helpers/repo.js';

function failure(fn: () => unknown): PipeError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, PipeError);
    return err as PipeError;
  }
  throw new Error('expected a PipeError');
}

async function failureAsync(fn: () => Promise<unknown>): Promise<PipeError> {
  try {
    await fn();
  } catch (err) {
    assert.instance(err, PipeError);
    return err as PipeError;
  }
  throw new Error('expected a PipeError');
}

const brief = (e: PipeError) => e.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);

test('positions of values and keys by JSON pointer', () => {
  const y = parseYamlText('apiVersion: pipe/v1\nsteps:\n  - id: route\n    uses: route\n  - id: gate\n    with: { output: patch }\n', 'p.yaml');
  assert.equal(y.locate('/steps/1/id'), { line: 5, column: 9, length: 4 });
  assert.equal(y.locateKey('/steps/1/with'), { line: 6, column: 5, length: 4 });
  assert.equal(y.locate('/steps/1/with/output'), { line: 6, column: 21, length: 5 });
  // A missing pointer falls back to its nearest ancestor.
  assert.equal(y.locate('/steps/1/nope/deeper').line, 5);
  assert.is(y.sourceLine(3), '  - id: route');
  assert.equal(y.data, { apiVersion: 'pipe/v1', steps: [{ id: 'route', uses: 'route' }, { id: 'gate', with: { output: 'patch' } }] });
});

test('all YAML syntax errors at once, each with line and column', () => {
  const e = failure(() => parseYamlText('a: [1, 2\nb: {x\n', 'bad.yaml'));
  assert.is(e.code, 'E_YAML');
  assert.is(e.exitCode, 2);
  assert.equal(brief(e), [
    '1:9 Flow sequence in block collection must be sufficiently indented and end with a ]',
    '2:6 Flow map in block collection must be sufficiently indented and end with a }',
  ]);
  assert.is(formatDiagnostic(e.diagnostics[0]), 'bad.yaml:1:9: error: Flow sequence in block collection must be sufficiently indented and end with a ]\n  a: [1, 2\n          ^');
});

test('duplicate key', () => {
  const e = failure(() => parseYamlText('kind: Task\nid: a\nid: b\n', 'dup.yaml'));
  assert.is(e.code, 'E_YAML');
  assert.equal(brief(e), ["3:1 duplicate key 'id'"]);
});

test('tab indentation', () => {
  const e = failure(() => parseYamlText('a:\n\tb: 1\n', 'tab.yaml'));
  assert.equal(brief(e), ['2:1 tab character used for indentation; YAML allows only spaces']);
});

test('alias bomb (billion laughs) is refused with a clear message', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']]) lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  const e = failure(() => parseYamlText(`${lines.join('\n')}\n`, 'bomb.yaml'));
  assert.is(e.code, 'E_YAML');
  assert.equal(brief(e), ['2:8 aliases expand to too many nodes (more than 100 alias expansions); refusing a possible YAML alias bomb ("billion laughs")']);
});

test('ordinary anchors and aliases still load', () => {
  const y = parseYamlText('base: &b { argv: [ruff] }\nother: *b\n', 'ok.yaml');
  assert.equal(y.data, { base: { argv: ['ruff'] }, other: { argv: ['ruff'] } });
});

test('files: missing, directory, over 1 MiB, not UTF-8', async () => {
  const dir = tempDir();
  try {
    let e = await failureAsync(() => loadYamlFile(join(dir, 'nope.yaml')));
    assert.is(e.code, 'E_FILE');
    assert.is(e.exitCode, 2);
    assert.equal(brief(e), ['1:1 file not found']);

    mkdirSync(join(dir, 'sub.yaml'));
    e = await failureAsync(() => loadYamlFile(join(dir, 'sub.yaml')));
    assert.equal(brief(e), ['1:1 is a directory, not a YAML file']);

    const big = join(dir, 'big.yaml');
    writeFileSync(big, `a: "${'x'.repeat(MAX_YAML_BYTES)}"\n`);
    e = await failureAsync(() => loadYamlFile(big));
    assert.is(e.code, 'E_FILE');
    assert.equal(brief(e), [`1:1 file is ${MAX_YAML_BYTES + 6} bytes; pipe reads YAML files of at most 1048576 bytes (1 MiB)`]);

    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.concat([Buffer.from('kind: Task\ngoal: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    e = await failureAsync(() => loadYamlFile(latin1));
    assert.is(e.code, 'E_FILE');
    assert.equal(brief(e), ['2:10 not valid UTF-8 (byte 0xe9 at line 2, column 10)']);
  } finally {
    cleanup(dir);
  }
});

test('a UTF-8 BOM is accepted', () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'bom.yaml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: 1\n')]));
    return loadYamlFile(join(dir, 'bom.yaml')).then((y) => assert.equal(y.data, { a: 1 }));
  } finally {
    setTimeout(() => cleanup(dir), 100);
  }
});

test('YAML syntax errors come before schema errors', async () => {
  const dir = tempDir();
  try {
    // Unknown keys and a bad intent would be schema errors; the syntax error alone is reported.
    writeFileSync(join(dir, 't.yaml'), 'apiVersion: pipe/v1\nkind: Task\nid: x\ngaol: y\nintent: nope\nallowed_files: [a\n');
    const r = await validateFiles([join(dir, 't.yaml')]);
    assert.is(r.ok, false);
    assert.equal(r.files[0].errors.map((e) => `${e.line}:${e.column} ${e.message}`), [
      '6:18 Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  } finally {
    cleanup(dir);
  }
});

test.run();
