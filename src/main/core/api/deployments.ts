/**
 * Handlers of deployments. Markers and checklist reports come from the local cache (synced
 * ops.roman_events rows), so the charts keep their markers offline; the watch outcome needs the
 * database and says so when it is not open.
 */
import { DomainError } from '../../../shared/result';
import type { CheckItem, DeploymentMarker } from '../../../shared/deployments';
import type { StoredRecord } from '../../../shared/store';
import type { DeploymentListItem } from '../../../shared/api/deployments';
import type { HandlerRegistry } from './registry';
import type { RemoteCache } from '../store/cache-client';
import type { Queryable } from '../alerts/rule';
import { evaluateWatch } from '../deployments/watch';
import { DEPLOYMENT_WATCH_MINUTES } from '../alerts/rules/deployment-regression';

export interface DeploymentsHandlerDeps {
  cache: () => RemoteCache;
  db: () => Queryable | null;
}

/** '6h', '24h', '7d', '30m' or an ISO time → epoch ms. */
export function parseSpan(since: string | undefined, now: number): number | undefined {
  if (!since) return undefined;
  const m = /^(\d{1,4})\s*(m|h|d)$/i.exec(since);
  if (m) return now - Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!.toLowerCase() as 'm' | 'h' | 'd'];
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new DomainError('invalid_input', `since must be a time (ISO) or a span such as 6h, 24h or 7d — got "${since.slice(0, 40)}"`);
  return t;
}

type WithMeta = StoredRecord & { metadata?: Record<string, unknown> };

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);

const STATUSES: readonly CheckItem['status'][] = ['passed', 'failed', 'cannot_check'];

/** The checklist items of a stored report; a strange entry (a row edited by hand) is "cannot check", never passed. */
export function checkItemsOf(raw: unknown): CheckItem[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((v, i): CheckItem => {
    const o = v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
    const status = STATUSES.includes(o.status as CheckItem['status']) ? (o.status as CheckItem['status']) : 'cannot_check';
    return {
      // An id this version does not know is still shown (by its title), as not passed unless stored so.
      id: String(o.id ?? `item_${i + 1}`) as CheckItem['id'],
      title: str(o.title) ?? String(o.id ?? `item ${i + 1}`),
      status,
      detail: str(o.detail) ?? (status === 'cannot_check' && o.status !== 'cannot_check' ? 'the stored item is unreadable' : ''),
      ...(str(o.assertedBy) ? { assertedBy: str(o.assertedBy)! } : {}),
    };
  });
}

export function registerDeploymentsHandlers(registry: HandlerRegistry, deps: DeploymentsHandlerDeps): void {
  registry.method('deployments.list', async (input) => {
    let cache: RemoteCache;
    try {
      cache = deps.cache();
    } catch (err) {
      throw new DomainError('unavailable', `local cache unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const now = cache.clock.now().getTime();
    const since = parseSpan(input.since, now);
    const page = await cache.search({ kind: 'event', type: 'deployment', limit: 1000, withMetadata: true });
    const markers: DeploymentMarker[] = page.rows
      .map((row) => {
        const r = row as WithMeta;
        const m = r.metadata ?? {};
        const at = str(m.deployed_at);
        const parsed = at ? Date.parse(at) : NaN;
        return {
          id: String(r.remoteId ?? r.id),
          version: str(m.version) ?? 'unknown',
          environment: str(m.environment) ?? 'unknown',
          correlationId: str(m.correlation_id),
          deployedBy: str(m.deployed_by) ?? 'unknown',
          at: new Date(Number.isNaN(parsed) ? Date.parse(r.timestamp) : parsed).toISOString(),
        };
      })
      .filter((d) => since === undefined || Date.parse(d.at) >= since)
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, input.limit);
    const checks = (await cache.search({ kind: 'event', type: 'deployment_check', limit: 1000, withMetadata: true })).rows
      .map((r) => (r as WithMeta).metadata ?? {})
      .filter((m) => typeof m.checkedAt === 'string' && typeof m.environment === 'string')
      .sort((a, b) => Date.parse(String(b.checkedAt)) - Date.parse(String(a.checkedAt)));
    const db = input.withWatch ? deps.db() : null;
    const out: DeploymentListItem[] = [];
    for (const d of markers) {
      const c = checks.find((m) => m.environment === d.environment && Date.parse(String(m.checkedAt)) <= Date.parse(d.at));
      let watch: DeploymentListItem['watch'] = null;
      let watchUnavailable: string | null = input.withWatch ? null : 'not asked';
      if (input.withWatch) {
        if (!db) watchUnavailable = 'no database is open: the watch needs it';
        else {
          try {
            const r = await evaluateWatch(db, d, DEPLOYMENT_WATCH_MINUTES, new Date(now));
            watch = { outcome: r.outcome, summary: r.summary, measures: r.measures };
          } catch (err) {
            watchUnavailable = `the watch could not run: ${err instanceof Error ? err.message : String(err)}`;
          }
        }
      }
      out.push({
        ...d,
        check: c ? { passed: c.passed === true && checkItemsOf(c.items).every((i) => i.status === 'passed'), checkedAt: String(c.checkedAt), checkedBy: str(c.checkedBy) ?? 'unknown', items: checkItemsOf(c.items) } : null,
        watch,
        watchUnavailable,
      });
    }
    return { deployments: out };
  });
}
