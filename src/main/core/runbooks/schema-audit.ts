/**
 * The monthly runbook's "Security and schema audit" section: the same schema audit as `roman audit`
 * and the Audit page (lints, inventory, comparison with the last saved report, dismissals kept),
 * saved like any audit report, summarised as one section.
 */
import type pg from 'pg';
import type { Clock } from '../clock';
import { openCounts } from '../../../shared/audit';
import { loadDismissals, loadLatestReport, runAudit, saveAuditReport } from '../audit/report';
import type { SectionOutcome } from './section';

export function schemaAuditSection(pool: pg.Pool, clock: Clock, database: string, projectDir: string | null): () => Promise<SectionOutcome> {
  return async () => {
    const [previous, dismissals] = [await loadLatestReport(pool), await loadDismissals(pool)];
    const report = await runAudit(pool, { clock, database, ...(projectDir ? { projectDir } : {}), previous, dismissals });
    const saved = await saveAuditReport(pool, report);
    const c = openCounts(report.findings);
    const open = report.findings.filter((f) => !f.dismissed);
    const cmp = report.comparison;
    const since = cmp.previous ? `; since the report of ${cmp.previous.createdAt}: ${cmp.new.length} new, ${cmp.resolved.length} resolved` : '; first report';
    return {
      status: c.ERROR > 0 || c.WARN > 0 ? 'warning' : 'ok',
      summary: `${c.ERROR} error, ${c.WARN} warning and ${c.INFO} info finding${c.INFO === 1 ? '' : 's'} open${since}${report.unavailable.length ? `; ${report.unavailable.length} lint(s) could not run` : ''}.`,
      figures: { errors: c.ERROR, warnings: c.WARN, info: c.INFO, new: cmp.new.length, resolved: cmp.resolved.length, report: report.id },
      rows: open.slice(0, 50).map((f) => ({ level: f.level, name: f.name, detail: f.detail, new: cmp.new.includes(f.cache_key) })),
      sql: ['roman audit --db URL'],
      notes: [
        ...(saved.saved ? [] : [`the report was not saved: ${saved.reason}`]),
        ...report.unavailable.map((u) => `${u.name}: ${u.reason}`),
      ],
    };
  };
}
