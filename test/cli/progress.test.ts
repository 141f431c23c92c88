import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { createProgress } from '../../src/cli/progress.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

test('on a terminal: a live line per step, replaced by its result with attempt, role, tier and spend', () => {
  const out = sink();
  const p = createProgress({ stream: out.stream, tty: true, color: false });
  p.stepStart({ step: 'propose', uses: 'propose', attempt: 2, role: 'general_builder', tier: 'flex', spentUsd: 0.0012 });
  assert.is(out.text(), '… attempt 2 · propose general_builder@flex · spent $0.0012');
  p.stepEnd({ step: 'propose', uses: 'propose', attempt: 2, status: 'succeeded', durationMs: 1500, spentUsd: 0.0031, role: 'general_builder', tier: 'flex' });
  assert.ok(out.text().endsWith('\r\u001b[2K✓ attempt 2 · propose general_builder@flex 1.5 s · spent $0.0031\n'), JSON.stringify(out.text()));
});

test('not on a terminal: plain key=value lines, one per finished step', () => {
  const out = sink();
  const p = createProgress({ stream: out.stream, tty: false });
  p.stepStart({ step: 'validate', uses: 'validate', attempt: 1, spentUsd: 0 });
  p.stepEnd({ step: 'validate', uses: 'validate', attempt: 1, status: 'failed', message: 'pytest: 1 failure', durationMs: 20, spentUsd: 0.5, role: 'general_builder', tier: 'default' });
  assert.is(out.text(), 'step validate attempt=1 status=failed role=general_builder tier=default time=20 ms spent=$0.50 — pytest: 1 failure\n');
});

test.run();
