// The replay report for people: one row per run with old → new where a field changed
// (and only there), a totals line; as a terminal table or as GitHub Markdown (for a
// pull request's job summary).
import { formatUsd } from '../budget/money.js';
import type { OutcomeField, OutcomeView, ReplayReport, RunComparison } from './types.js';

const COLUMNS: { field: OutcomeField; title: string }[] = [
  { field: 'route', title: 'route' },
  { field: 'blocked', title: 'blocked' },
  { field: 'gate', title: 'gate' },
  { field: 'attempts', title: 'attempts' },
  { field: 'verdict', title: 'verdict' },
  { field: 'exit', title: 'exit' },
  { field: 'spend_usd', title: 'spend' },
];

/** Repeated entries folded: "general_builder (…) ×2". */
function fold(list: string[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < list.length) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[i]) j++;
    out.push(j > i ? `${list[i]} ×${j - i + 1}` : list[i]);
    i = j + 1;
  }
  return out.join(', ') || '-';
}

function cell(view: OutcomeView, field: OutcomeField): string {
  const v = view[field];
  if (field === 'spend_usd') return formatUsd(v as number);
  if (Array.isArray(v)) return fold(v);
  if (v === null) return field === 'blocked' ? 'no' : '-';
  return String(v);
}

interface Style {
  changed(text: string): string;
}

function row(r: RunComparison, style: Style): string[] {
  const id = r.run_id;
  if (r.result === 'not_replayable') return [id, r.task_id, ...COLUMNS.map(() => ''), `not replayable: ${r.reason}`];
  const old = r.old!;
  const cells = COLUMNS.map(({ field }) => {
    if (!r.new) return cell(old, field);
    const a = cell(old, field);
    const b = cell(r.new, field);
    return r.changed.includes(field) ? style.changed(`${a} → ${b}`) : a;
  });
  const note = r.result === 'undetermined' ? `undetermined: ${r.reason}` : r.stand_ins.length ? `${r.stand_ins.length} stand-in answer${r.stand_ins.length === 1 ? '' : 's'}` : '';
  return [id, r.task_id, ...cells, note];
}

function totalsLine(report: ReplayReport): string {
  const t = report.totals;
  const delta = t.spend_delta_usd === 0 ? 'no change' : `${t.spend_delta_usd > 0 ? '+' : ''}${formatUsd(t.spend_delta_usd)}`;
  const pct = t.spend_old_usd > 0 && t.spend_delta_usd !== 0 ? ` (${t.spend_delta_usd > 0 ? '+' : ''}${((t.spend_delta_usd / t.spend_old_usd) * 100).toFixed(1)}%)` : '';
  const parts = [
    `${t.replayed} of ${t.runs} run${t.runs === 1 ? '' : 's'} replayed`,
    `${t.changed} changed`,
    `${t.same} unchanged`,
    ...(t.undetermined ? [`${t.undetermined} undetermined`] : []),
    ...(t.not_replayable ? [`${t.not_replayable} not replayable`] : []),
    `spend ${formatUsd(t.spend_old_usd)} → ${formatUsd(t.spend_new_usd)} (${delta}${pct})`,
  ];
  return parts.join('; ');
}

function details(report: ReplayReport): string[] {
  const lines: string[] = [];
  for (const r of report.runs) {
    const changedBlock = r.blocked_message.new && r.blocked_message.new !== r.blocked_message.old;
    if (!changedBlock && !r.stand_ins.length && !r.notes.length) continue;
    lines.push(`${r.run_id}:`);
    if (changedBlock) lines.push(`  ${r.blocked_message.new}`);
    for (const s of r.stand_ins) lines.push(`  stand-in: call ${s.call} answered by the recorded ${s.recorded.role} (${s.recorded.model}) for ${s.replayed.role} (${s.replayed.model})`);
    for (const n of r.notes) lines.push(`  note: ${n}`);
  }
  return lines;
}

export function renderTable(report: ReplayReport, options: { color: boolean }): string {
  const style: Style = { changed: (t) => (options.color ? `\u001b[1;33m${t}\u001b[0m` : `*${t}`) };
  const header = ['run', 'task', ...COLUMNS.map((c) => c.title), ''];
  const rows = report.runs.map((r) => row(r, style));
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i]))));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - visible(c)))).join('  ').trimEnd();
  const lines = [fmt(header), ...rows.map(fmt)];
  if (!report.runs.length) lines.push('(no runs selected)');
  const more = details(report);
  if (more.length) lines.push('', ...more);
  lines.push('', totalsLine(report));
  if (!options.color && report.runs.some((r) => r.changed.length)) lines.push('(* marks a field whose value changes: old → new)');
  return `${lines.join('\n')}\n`;
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(report: ReplayReport): string {
  const style: Style = { changed: (t) => `**${t}**` };
  const lines = ['### pipe replay', ''];
  const docs = report.documents;
  const under = [...docs.policy.map((p) => `policy ${p}`), ...(docs.pipeline ? [`pipeline ${docs.pipeline}`] : []), ...(docs.config ? [`config ${docs.config}`] : []), ...docs.task.map((t) => `task ${t}`)];
  lines.push(`Recorded runs replayed under the documents on disk${under.length ? `, with ${under.join(', ')}` : ''}${report.validate ? ', validators re-run' : ''}.`, '');
  lines.push(`| ${['run', 'task', ...COLUMNS.map((c) => c.title), 'note'].join(' | ')} |`);
  lines.push(`|${' --- |'.repeat(COLUMNS.length + 3)}`);
  for (const r of report.runs) lines.push(`| ${row(r, style).map((c) => md(c) || ' ').join(' | ')} |`);
  const more = details(report);
  if (more.length) lines.push('', '<details><summary>details</summary>', '', '```', ...more, '```', '', '</details>');
  lines.push('', `**Totals:** ${totalsLine(report)}`);
  return `${lines.join('\n')}\n`;
}
