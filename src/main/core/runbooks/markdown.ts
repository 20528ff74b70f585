/** Markdown export of a runbook report: sections with status, figures, rows and the SQL behind them. */
import type { FigureRow, FigureValue, RunbookReport } from '../../../shared/runbooks';

export function cell(v: FigureValue | undefined): string {
  if (v === null || v === undefined) return '—';
  return String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').slice(0, 300);
}

export function markdownTable(rows: FigureRow[], max = 50): string[] {
  if (rows.length === 0) return [];
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`];
  for (const r of rows.slice(0, max)) lines.push(`| ${cols.map((c) => cell(r[c])).join(' | ')} |`);
  if (rows.length > max) lines.push('', `(${rows.length - max} more rows not shown)`);
  return lines;
}

const STATUS_MARK: Record<string, string> = { ok: '✅ ok', warning: '⚠️ warning', unavailable: '➖ unavailable', not_run: '⏸ not run', checklist: '☐ checklist', failed: '❌ failed' };

export function reportMarkdown(r: RunbookReport): string {
  const title = `${r.runbook[0]!.toUpperCase()}${r.runbook.slice(1)} maintenance report`;
  const lines = [
    `# ${title}`,
    '',
    `- Report: ${r.id}`,
    `- Started: ${r.startedAt} — finished: ${r.finishedAt}`,
    `- Trigger: ${r.trigger}${r.window ? ` (window ${r.window})` : ''}${r.late ? ` — **late** by ${Math.round(r.lateByMs / 60_000)} min` : ''}`,
    `- Requested by: ${r.requestedBy}`,
    `- Constitutional decision: ${r.decision.verdict}${r.decision.decision_id ? ` (${r.decision.decision_id})` : ''} — ${r.decision.detail}`,
    `- Status: ${r.status}`,
    '',
  ];
  for (const s of r.sections) {
    lines.push(`## ${s.title}`, '', `**${STATUS_MARK[s.status] ?? s.status}** — ${s.summary}`, '');
    const figs = Object.entries(s.figures);
    if (figs.length > 0) {
      for (const [k, v] of figs) lines.push(`- ${k}: ${cell(v)}`);
      lines.push('');
    }
    const table = markdownTable(s.rows);
    if (table.length > 0) lines.push(...table, '');
    for (const n of s.notes) lines.push(`> ${n}`, '');
    for (const q of s.sql) lines.push('```sql', q, '```', '');
  }
  return lines.join('\n');
}
