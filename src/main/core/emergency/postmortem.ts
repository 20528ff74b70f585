/** The Markdown post-mortem draft of an incident: summary, phase clocks, timeline, the assessment queries' results. */
import type { Incident } from '../../../shared/emergency';
import { cell, markdownTable } from '../runbooks/markdown';
import { phaseClocks } from './incident';
import { protocolDef } from './protocols';

function minutes(ms: number): string {
  const m = Math.floor(Math.abs(ms) / 60_000);
  const s = Math.floor((Math.abs(ms) % 60_000) / 1000);
  return `${m} min ${s} s`;
}

export function postMortemMarkdown(incident: Incident, now: Date): string {
  const def = protocolDef(incident.protocol);
  const end = incident.closedAt ? Date.parse(incident.closedAt) : now.getTime();
  const lines = [
    `# Post-mortem (draft): ${incident.title}`,
    '',
    `- Incident: ${incident.id}`,
    `- Opened: ${incident.openedAt} by ${incident.openedBy}${incident.source ? ` — from the firing alert **${incident.source.alert}**${Object.keys(incident.source.labels).length ? ` (${Object.entries(incident.source.labels).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}` : ''}`,
    `- ${incident.closedAt ? `Closed: ${incident.closedAt}` : 'Still open'} — duration ${minutes(end - Date.parse(incident.openedAt))}`,
    `- Indicators (manual): ${def.indicators.join('; ')}`,
    '',
    '## Summary',
    '',
    '_What happened, the impact and the root cause: to be written by the team._',
    '',
    '## Response against the time targets',
    '',
    '| phase | target | due | status |',
    '| --- | --- | --- | --- |',
  ];
  for (const c of phaseClocks(incident, now)) {
    lines.push(`| ${c.title} | ${c.targetLabel} | ${c.dueAt ?? '—'} | ${c.done ? (c.overdue ? 'done, late' : 'done in time') : c.overdue ? '**overdue**' : 'open'} |`);
  }
  lines.push('', '## Steps', '');
  for (const phase of def.phases) {
    lines.push(`### ${phase.title} (${phase.targetLabel})`, '');
    for (const s of phase.steps) {
      const st = incident.steps[s.key];
      const box = st?.state === 'done' ? '[x]' : '[ ]';
      const extra = [st?.outcome && st.state !== 'done' ? `outcome: ${st.outcome}` : null, st?.by ? `by ${st.by} at ${st.at}` : null, st?.note ? `note: ${st.note}` : null].filter(Boolean).join('; ');
      lines.push(`- ${box} ${s.title}${s.kind === 'action' ? ' _(action)_' : ''}${extra ? ` — ${extra}` : ''}`);
    }
    lines.push('');
  }
  lines.push('## Timeline', '', '| when (UTC) | who | what | outcome | detail |', '| --- | --- | --- | --- | --- |');
  for (const t of incident.timeline) lines.push(`| ${t.at} | ${cell(t.who)} | ${cell(t.what)} | ${cell(t.outcome)} | ${cell(t.detail)} |`);
  lines.push('', '## Assessment (queries run when the protocol opened)', '');
  for (const a of incident.assessment) {
    lines.push(`### ${a.title}`, '', `**${a.status}** — ${a.summary}`, '');
    const table = markdownTable(a.rows, 30);
    if (table.length) lines.push(...table, '');
    if (a.sql.length) lines.push('<details><summary>SQL</summary>', '', '```sql', ...a.sql.slice(0, 10).map((q) => q + ';'), a.sql.length > 10 ? `-- (${a.sql.length - 10} more)` : '', '```', '', '</details>', '');
  }
  lines.push('## Follow-ups', '', '- [ ] Update the runbooks', '- [ ] Add monitoring / alerts', '');
  return lines.join('\n');
}
