// Black-box: step guarantees of DSL.md §2 through the built CLI — a budget block sends
// nothing and leaves one blocked row; a patch over the user's edited file is refused
// (exit 5) before any change; validators see a scrubbed environment. The budget and
// gate runs skip the baseline (--no-baseline: it is not their subject, and each is one
// more pytest run); the scrubbed-environment run keeps it, since the baseline runs the
// validators too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, snapshotTree, tempDir, writeFiles } from '../helpers/repo.js';
import { OPS, RIGHT, calcRepo, events, ledgerRows, runJson, writeTask } from './run-kit.js';

function allText(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    out += statSync(full).isDirectory() ? allText(full) : readFileSync(full).toString('latin1');
  }
  return out;
}

test('a role budget below the projection blocks: exit 3, nothing sent, one blocked row, tree untouched', () => {
  const repo = calcRepo({ 'low.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget:\n  role_budgets_usd:\n    general_builder: 0.0001\n' });
  try {
    const task = writeTask(repo, [{ patch: RIGHT }]);
    const before = snapshotTree(repo);
    const { code, out, stderr } = runJson(repo, [task, '--policy', 'low.yaml', '--no-baseline']);
    assert.is(code, 3, stderr);
    assert.is(out.status, 'blocked');
    assert.is(out.cost_usd, 0);
    assert.equal(snapshotTree(repo), before);
    assert.not.ok(events(out.records_dir).some((e) => e.type === 'provider.call'));
    const rows = ledgerRows(join(repo, '.pipe/ledger.sqlite'));
    assert.is(rows.length, 1);
    assert.is(rows[0].status, 'blocked');
    assert.is(rows[0].input_tokens, null);
    assert.match(String(rows[0].reason), /general_builder/);
    assert.ok(Number(rows[0].projected_usd) > 0.0001);
  } finally {
    cleanup(repo);
  }
});

test("a patch touching a file the user has edited is refused (exit 5) and the user's bytes survive", () => {
  const repo = calcRepo();
  try {
    const edited = `${OPS}# the user's own comment\n`;
    writeFiles(repo, { 'calc/ops.py': edited });
    const task = writeTask(repo, [{ patch: RIGHT }, { patch: RIGHT }, { patch: RIGHT }]);
    const before = snapshotTree(repo);
    const { code, out, stderr } = runJson(repo, [task, '--no-baseline']);
    assert.is(code, 5, stderr);
    assert.is(out.status, 'refused');
    assert.equal(out.files_changed, []);
    assert.is(readFileSync(join(repo, 'calc/ops.py'), 'utf8'), edited);
    assert.equal(snapshotTree(repo), before);
  } finally {
    cleanup(repo);
  }
});

test('validators run with credentials scrubbed from the environment, and no secret reaches .pipe/', () => {
  const repo = calcRepo();
  const outDir = tempDir('pipe-envdump-');
  try {
    const dump = join(outDir, 'env.txt');
    writeFiles(repo, {
      'env.yaml': `apiVersion: pipe/v1\nkind: Policy\nvalidators:\n  envdump:\n    argv: [python3, -c, "import os; open('${dump}', 'w').write(repr(dict(os.environ))); print(dict(os.environ))"]\n    timeout_s: 30\n    parser: exit-code\n    sandbox: { writable: ["${outDir}"] }\n`,
    });
    const task = writeTask(repo, [{ patch: RIGHT }], { validators: ['envdump'], maxAttempts: 1 });
    const secrets = { OPENAI_API_KEY: 'sk-proj-SCRUBME111', AWS_SECRET_ACCESS_KEY: 'awsSCRUBME222', GITHUB_TOKEN: 'ghp_SCRUBME333', MY_DB_PASSWORD: 'pwSCRUBME444' };
    const { code, out, stderr } = runJson(repo, [task, '--policy', 'env.yaml'], secrets);
    assert.is(code, 0, stderr);
    assert.is(out.status, 'succeeded');
    const seen = readFileSync(dump, 'utf8');
    assert.match(seen, /PATH/);
    const records = allText(join(repo, '.pipe'));
    for (const [name, value] of Object.entries(secrets)) {
      assert.not.ok(seen.includes(value), `${name} reached the validator`);
      assert.not.ok(records.includes(value), `${name} reached .pipe/`);
    }
  } finally {
    cleanup(repo, outDir);
  }
});

test.run();
