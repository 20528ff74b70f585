/**
 * Runbook reports and emergency incidents in the local cache (schema version 50), so they can be
 * read offline. Reports are stored whole (JSON); incidents too, with an append-only timeline.
 */
import type { Cache } from '../store/cache';
import type { RunbookName, RunbookReport, RunbookReportSummary, SectionStatus } from '../../../shared/runbooks';
import type { Incident, TimelineEntry } from '../../../shared/emergency';

interface ReportRow {
  report: string;
}

export class RunbookStore {
  constructor(private readonly cache: Cache) {}

  saveReport(report: RunbookReport): void {
    this.cache.db
      .prepare(
        `INSERT OR REPLACE INTO runbook_reports (id, runbook, window_at, trigger, late, started_at, finished_at, status, report)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        report.id,
        report.runbook,
        report.window,
        report.trigger,
        report.late ? 1 : 0,
        Date.parse(report.startedAt),
        Date.parse(report.finishedAt),
        report.status,
        JSON.stringify(report),
      );
  }

  getReport(id: string): RunbookReport | null {
    const row = this.cache.db.prepare('SELECT report FROM runbook_reports WHERE id = ?').get(id) as ReportRow | undefined;
    return row ? (JSON.parse(row.report) as RunbookReport) : null;
  }

  latestReport(runbook: RunbookName): RunbookReport | null {
    const row = this.cache.db
      .prepare('SELECT report FROM runbook_reports WHERE runbook = ? ORDER BY started_at DESC LIMIT 1')
      .get(runbook) as ReportRow | undefined;
    return row ? (JSON.parse(row.report) as RunbookReport) : null;
  }

  listReports(opts: { runbook?: RunbookName; limit?: number } = {}): RunbookReportSummary[] {
    const limit = Math.min(Math.max(1, opts.limit ?? 50), 500);
    const rows = (
      opts.runbook
        ? this.cache.db.prepare('SELECT report FROM runbook_reports WHERE runbook = ? ORDER BY started_at DESC LIMIT ?').all(opts.runbook, limit)
        : this.cache.db.prepare('SELECT report FROM runbook_reports ORDER BY started_at DESC LIMIT ?').all(limit)
    ) as ReportRow[];
    return rows.map((r) => summarize(JSON.parse(r.report) as RunbookReport));
  }

  saveIncident(incident: Incident): void {
    const { timeline: _timeline, ...rest } = incident;
    this.cache.db
      .prepare('INSERT OR REPLACE INTO emergency_incidents (id, protocol, opened_at, closed_at, incident) VALUES (?, ?, ?, ?, ?)')
      .run(incident.id, incident.protocol, Date.parse(incident.openedAt), incident.closedAt ? Date.parse(incident.closedAt) : null, JSON.stringify(rest));
  }

  appendTimeline(incidentId: string, entry: TimelineEntry): void {
    this.cache.db
      .prepare('INSERT INTO emergency_timeline (incident_id, at, entry) VALUES (?, ?, ?)')
      .run(incidentId, Date.parse(entry.at), JSON.stringify(entry));
  }

  getIncident(id: string): Incident | null {
    const row = this.cache.db.prepare('SELECT incident FROM emergency_incidents WHERE id = ?').get(id) as { incident: string } | undefined;
    if (!row) return null;
    const timeline = (this.cache.db.prepare('SELECT entry FROM emergency_timeline WHERE incident_id = ? ORDER BY id').all(id) as { entry: string }[]).map(
      (r) => JSON.parse(r.entry) as TimelineEntry,
    );
    return { ...(JSON.parse(row.incident) as Omit<Incident, 'timeline'>), timeline };
  }

  listIncidents(limit = 50): Omit<Incident, 'timeline' | 'assessment'>[] {
    const rows = this.cache.db
      .prepare('SELECT incident FROM emergency_incidents ORDER BY opened_at DESC LIMIT ?')
      .all(Math.min(Math.max(1, limit), 500)) as { incident: string }[];
    return rows.map((r) => {
      const { assessment: _a, ...rest } = JSON.parse(r.incident) as Omit<Incident, 'timeline'>;
      return rest;
    });
  }
}

export function summarize(r: RunbookReport): RunbookReportSummary {
  const counts: Partial<Record<SectionStatus, number>> = {};
  for (const s of r.sections) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return { id: r.id, runbook: r.runbook, window: r.window, trigger: r.trigger, late: r.late, startedAt: r.startedAt, finishedAt: r.finishedAt, status: r.status, counts };
}
