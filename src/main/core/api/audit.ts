/**
 * Handlers of the schema audit and the AI metrics: 'audit.run' (runs, saves in ops.roman_events and
 * the local cache, compares with the previous report), 'audit.latest', 'audit.dismiss' and
 * 'metrics.ai' (live, or from the local cache when the database is unreachable).
 */
import type pg from 'pg';
import type { HandlerRegistry } from './registry';
import type { Clock } from '../clock';
import type { Cache } from '../store/cache';
import type { RemoteCache } from '../store/cache-client';
import { DomainError } from '../../../shared/result';
import type { AuditReport } from '../../../shared/audit';
import { openCounts } from '../../../shared/audit';
import { AuditInputError, dismissFinding, loadDismissals, loadLatestReport, runAudit, saveAuditReport } from '../audit/report';
import { ProjectDirError } from '../audit/project';
import { formatAuditMessage } from '../audit/format';
import { computeAiMetrics, readAiUsage, MetricsUnavailableError } from '../metrics/ai-usage';
import { formatMetricsMessage } from '../metrics/format';

export interface AuditDeps {
  pool: () => pg.Pool | null;
  cache: () => Cache | RemoteCache | null;
  clock: Clock;
  /** Connection description (no password). */
  database: () => string;
  projectDir: () => string | null;
  monthlyBudgetUsd: () => number;
  env?: NodeJS.ProcessEnv;
  /** Who dismisses (shown with the note). */
  user?: () => string;
}

function requirePool(deps: AuditDeps): pg.Pool {
  const p = deps.pool();
  if (!p) throw new DomainError('unavailable', 'No database is open.');
  return p;
}

async function latestFromCache(cache: Cache | RemoteCache | null): Promise<AuditReport | null> {
  if (!cache) return null;
  const md = (await cache.latestMetadataOf('audit_report')) as { report?: AuditReport } | null;
  return md?.report && Array.isArray(md.report.findings) ? md.report : null;
}

export function registerAuditHandlers(registry: HandlerRegistry, deps: AuditDeps): void {
  registry.method('audit.run', async (input) => {
    const pool = requirePool(deps);
    const projectDir = input.projectDir === undefined ? deps.projectDir() : input.projectDir;
    let report: AuditReport;
    let saved: { saved: boolean; reason?: string; id?: string };
    try {
      const previous = (await loadLatestReport(pool).catch(() => null)) ?? (await latestFromCache(deps.cache()));
      const dismissals = await loadDismissals(pool);
      report = await runAudit(pool, { clock: deps.clock, database: deps.database(), projectDir: projectDir ?? undefined, env: deps.env ?? process.env, previous, dismissals });
      saved = await saveAuditReport(pool, report);
    } catch (err) {
      if (err instanceof ProjectDirError) throw new DomainError('invalid_input', err.message);
      if (err instanceof DomainError) throw err;
      throw new DomainError('unavailable', `Audit failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const cache = deps.cache();
    if (cache) {
      const c = openCounts(report.findings);
      await cache.insertRecord({
        kind: 'audit_report',
        ...(saved.id ? { remoteTable: 'ops.roman_events', remoteId: saved.id } : {}),
        timestamp: report.createdAt,
        severity: c.ERROR > 0 ? 'error' : c.WARN > 0 ? 'warning' : 'info',
        source: 'roman',
        type: 'audit',
        message: `Schema audit: ${c.ERROR} error, ${c.WARN} warning, ${c.INFO} info`,
        metadata: { report },
      });
    }
    return { report, message: formatAuditMessage(report), saved: saved.saved, ...(saved.reason ? { savedReason: saved.reason } : {}) };
  });

  registry.method('audit.latest', async () => {
    const pool = deps.pool();
    if (pool) {
      try {
        const r = await loadLatestReport(pool);
        if (r) return { report: r, source: 'database' as const };
      } catch {
        // unreachable: fall back to the cache
      }
    }
    const cached = await latestFromCache(deps.cache());
    return { report: cached, source: cached ? ('cache' as const) : null };
  });

  registry.method('audit.dismiss', async (input) => {
    const pool = requirePool(deps);
    try {
      return await dismissFinding(pool, input, deps.user?.() ?? 'app', deps.clock);
    } catch (err) {
      if (err instanceof AuditInputError) throw new DomainError('invalid_input', err.message);
      throw new DomainError('unavailable', `Cannot dismiss: ${err instanceof Error ? err.message : String(err)}`);
    }
  });

  registry.method('metrics.ai', async () => {
    const now = deps.clock.now();
    const budget = deps.monthlyBudgetUsd();
    const pool = deps.pool();
    let report;
    try {
      if (!pool) throw new Error('no database');
      report = computeAiMetrics(await readAiUsage(pool, now), { now, monthlyBudgetUsd: budget, source: 'database' });
    } catch (err) {
      const cache = deps.cache();
      if (err instanceof MetricsUnavailableError || !cache) {
        throw new DomainError('unavailable', err instanceof Error ? err.message : String(err));
      }
      report = computeAiMetrics(await cache.aiUsage(now.getTime()), { now, monthlyBudgetUsd: budget, source: 'cache' });
    }
    return { report, message: formatMetricsMessage(report) };
  });
}
