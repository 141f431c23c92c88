// Reading and locating a 2,000-line answer against a 20,000-line file, in memory.
// Run: node --import tsx bench/answers.mjs
// Prints figures only (target: read + locate < 50 ms). Wall-clock and CPU time are both
// shown: on a shared, busy machine the CPU time is the steadier figure. The file is Python-like: 2,500
// small functions whose bodies share common lines ('return result', blank lines), so
// the locator's indexes see realistic repetition. The answer is one fenced unified diff
// of 100 hunks (20 lines each) in the shape models send: a sentence before it, line
// numbers a few lines off, every tenth hunk without numbers, every seventh outdented.
import { readAnswer } from '../src/patch/answer/index.ts';
import { editFile } from '../src/patch/locate/edit-file.ts';
import { hunksOf } from '../src/patch/locate/hunks.ts';

const RUNS = 21;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const lines = [];
for (let f = 0; lines.length < 20000; f++) {
  lines.push(`def compute_${f}(values, scale=${f % 7}):`);
  lines.push(`    """Step ${f} of the pipeline."""`);
  lines.push(`    result = []`);
  lines.push(`    for v in values:`);
  lines.push(`        result.append(v * scale + ${f})`);
  lines.push(`    return result`);
  lines.push('');
  lines.push('');
}
lines.length = 20000;
const file = `${lines.join('\n')}\n`;

// 100 hunks of 20 lines: 8 context, 2 removed, 2 added, 8 context.
const hunks = [];
for (let h = 0; h < 100; h++) {
  const at = 100 + h * 195; // 0-based first context line
  const body = [];
  for (let i = 0; i < 8; i++) body.push(` ${lines[at + i]}`);
  body.push(`-${lines[at + 8]}`, `-${lines[at + 9]}`);
  body.push(`+${lines[at + 8]}  # checked`, `+${lines[at + 9].replace(/^( *)/, '$1# ')}`);
  for (let i = 10; i < 18; i++) body.push(` ${lines[at + i]}`);
  let rows = body;
  if (h % 7 === 3) {
    const cut = Math.min(...rows.filter((r) => r.slice(1).trim()).map((r) => /^ */.exec(r.slice(1))[0].length));
    rows = rows.map((r) => r[0] + r.slice(1 + Math.min(cut, /^ */.exec(r.slice(1))[0].length)));
  }
  const header = h % 10 === 5 ? '@@ ... @@' : `@@ -${at + 1 + ((h % 5) - 2)},18 +${at + 1},18 @@`;
  hunks.push([header, ...rows].join('\n'));
}
const answer = `Here is the change:\n\n\`\`\`diff\n--- a/src/pipeline.py\n+++ b/src/pipeline.py\n${hunks.join('\n')}\n\`\`\`\n`;
const answerLines = answer.split('\n').length;

function once() {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const read = readAnswer(answer);
  const t1 = performance.now();
  if (!read.ok) throw new Error(read.refusal.reason);
  const edited = editFile('src/pipeline.py', file, read.answer.changes[0], []);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  if (!edited.ok) throw new Error(edited.refusal.reason);
  const rendered = hunksOf(edited.file.oldTokens, edited.file.newTokens, edited.file.changes);
  const t3 = performance.now();
  return { read: t1 - t0, locate: t2 - t1, render: t3 - t2, hunks: rendered.length, cpu: (cpu.user + cpu.system) / 1000 };
}

once(); // warm up (JIT, regex compilation)
const runs = Array.from({ length: RUNS }, once);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(`answer: ${answerLines} lines, 100 hunks; file: ${lines.length} lines; ${RUNS} runs, fresh indexes each run`);
console.log(`read (extract + parse):        median ${fmt(median(runs.map((r) => r.read)))}, best ${fmt(Math.min(...runs.map((r) => r.read)))}`);
console.log(`locate + apply in memory:      median ${fmt(median(runs.map((r) => r.locate)))}, best ${fmt(Math.min(...runs.map((r) => r.locate)))}`);
console.log(`read + locate (target < 50):   median ${fmt(median(runs.map((r) => r.read + r.locate)))}, best ${fmt(Math.min(...runs.map((r) => r.read + r.locate)))}`);
console.log(`read + locate, CPU time:       median ${fmt(median(runs.map((r) => r.cpu)))} (user + system of this process; less sensitive to a busy machine)`);
console.log(`canonical hunks render:        median ${fmt(median(runs.map((r) => r.render)))} (${runs[0].hunks} hunks)`);
