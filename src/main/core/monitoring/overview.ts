/**
 * Data of the manual's six dashboard panels (System Health Overview, Recent Errors 24 h,
 * R.O.M.A.N. Events Timeline, AI Cost Tracking, Performance Metrics, Security Audit Log). Each
 * panel is read in its own READ ONLY transaction with a statement timeout and degrades on its own
 * ('unavailable' with the reason) when a table, a privilege or the time runs out.
 */
import type pg from 'pg';
import type { Clock } from '../clock';
import {
  DEFAULT_THRESHOLDS,
  type AiCostPanel,
  type HealthOverviewPanel,
  type LogEntrySummary,
  type MonitoringOverview,
  type MonitoringThresholds,
  type Panel,
  type PerformancePanel,
  type RecentErrorsPanel,
  type RomanEventsPanel,
  type SecurityPanel,
  type SystemHealthNumbers,
} from '../../../shared/monitoring';
import { grade } from './check';
import { measureSystemEntropy } from './entropy';
import { describeFailure, DEFAULT_CHECK_TIMEOUT_MS } from './runner';
import { GUARDED_METADATA_COLUMNS, IS_FAILED, IS_REQUEST, readMonthSpend } from './signals';
import { computeAiMetrics, readAiUsageOn } from '../metrics/ai-usage';
import { chooseBucketSeconds, PRESET_MS } from '../../../shared/time-range';
import type { OverviewRange } from '../../../shared/api/monitoring';

export const LATEST_ROWS = 50;

class MissingTable extends Error {}

async function requireTables(client: pg.PoolClient, ...names: string[]): Promise<void> {
  for (const name of names) {
    const r = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
    if (!r.rows[0].ok) throw new MissingTable(`table ${name} does not exist (run \`roman db init\`)`);
  }
}

async function panel<T>(pool: pg.Pool, timeoutMs: number, read: (client: pg.PoolClient) => Promise<T>): Promise<Panel<T>> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    return { status: 'unavailable', reason: `database unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
  let broken: Error | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    await client.query(`SET LOCAL TimeZone = 'UTC'`);
    const data = await read(client);
    await client.query('COMMIT');
    return { status: 'ok', data };
  } catch (err) {
    await client.query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    if (err instanceof MissingTable) return { status: 'unavailable', reason: err.message };
    return { status: 'unavailable', reason: describeFailure(err, timeoutMs).reason };
  } finally {
    client.release(broken);
  }
}

const n = (v: unknown) => Number(v ?? 0);
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

function logSummaries(rows: Record<string, unknown>[]): LogEntrySummary[] {
  return rows.map((r) => ({
    id: n(r.id),
    timestamp: iso(r.timestamp),
    severity: String(r.severity),
    source: String(r.source),
    message: String(r.message),
  }));
}

async function countOrNull(client: pg.PoolClient, table: string, sql: string, params: unknown[], notes: string[]): Promise<number | null> {
  await client.query('SAVEPOINT count_or_null');
  try {
    const r = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
    if (!r.rows[0].ok) {
      await client.query('RELEASE SAVEPOINT count_or_null');
      notes.push(`table ${table} does not exist`);
      return null;
    }
    const c = await client.query(sql, params);
    await client.query('RELEASE SAVEPOINT count_or_null');
    return n(c.rows[0].n);
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT count_or_null');
    notes.push(`${table}: ${describeFailure(err, 0).reason}`);
    return null;
  }
}

export async function buildMonitoringOverview(
  pool: pg.Pool,
  clock: Clock,
  thresholds: MonitoringThresholds = DEFAULT_THRESHOLDS,
  timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
  range: OverviewRange = { last: '6h' },
): Promise<MonitoringOverview> {
  const now = clock.now();
  const bounds =
    'last' in range ? { from: new Date(now.getTime() - PRESET_MS[range.last]), to: now } : { from: new Date(range.from), to: new Date(range.to) };
  const bucketSeconds = chooseBucketSeconds(bounds.to.getTime() - bounds.from.getTime());

  const health = await panel<HealthOverviewPanel>(pool, timeoutMs, async (c) => {
    const notes: string[] = [];
    const system: SystemHealthNumbers = {
      errorsLastHour: await countOrNull(
        c,
        'public.system_logs',
        `SELECT count(*) AS n FROM public.system_logs WHERE severity IN ('error', 'critical') AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1`,
        [now],
        notes,
      ),
      criticalEventsLastHour: await countOrNull(
        c,
        'ops.roman_events',
        `SELECT count(*) AS n FROM ops.roman_events WHERE severity = 'critical' AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1`,
        [now],
        notes,
      ),
      activeConnections: n((await c.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active'`)).rows[0].n),
      activeSubscriptions: await countOrNull(
        c,
        'public.subscriptions',
        `SELECT count(*) AS n FROM public.subscriptions WHERE status::text = 'active'`,
        [],
        notes,
      ),
      notes,
    };
    system.errorsLastHourStatus =
      system.errorsLastHour === null
        ? 'unavailable'
        : grade(system.errorsLastHour, { comparison: 'above', warning: thresholds.errorsLastHourWarning, critical: thresholds.errorsLastHourCritical });
    let latestSnapshotAt: string | null = null;
    await c.query('SAVEPOINT snapshot');
    try {
      const snap = await c.query<{ ok: boolean }>(`SELECT to_regclass('ops.system_health') IS NOT NULL AS ok`);
      if (snap.rows[0].ok) {
        const s = await c.query(`SELECT max("timestamp") AS at FROM ops.system_health`);
        latestSnapshotAt = s.rows[0].at ? iso(s.rows[0].at) : null;
      } else {
        notes.push('table ops.system_health does not exist');
      }
      await c.query('RELEASE SAVEPOINT snapshot');
    } catch (err) {
      await c.query('ROLLBACK TO SAVEPOINT snapshot');
      notes.push(`ops.system_health: ${describeFailure(err, 0).reason}`);
    }
    return { system, entropy: null, latestSnapshotAt };
  });
  if (health.status === 'ok') {
    try {
      health.data.entropy = await measureSystemEntropy(pool, clock);
    } catch (err) {
      health.data.entropyNote = err instanceof Error ? err.message : String(err);
    }
  }

  const recentErrors = await panel<RecentErrorsPanel>(pool, timeoutMs, async (c) => {
    await requireTables(c, 'public.system_logs');
    const hourly = await c.query(
      `SELECT h AS hour,
              count(l.id) FILTER (WHERE l.severity = 'error') AS errors,
              count(l.id) FILTER (WHERE l.severity = 'critical') AS critical
         FROM generate_series(date_trunc('hour', $1::timestamptz) - interval '23 hours', date_trunc('hour', $1::timestamptz), interval '1 hour') AS h
         LEFT JOIN public.system_logs l
           ON l."timestamp" >= h AND l."timestamp" < h + interval '1 hour' AND l."timestamp" <= $1
          AND l.severity IN ('error', 'critical')
        GROUP BY h ORDER BY h`,
      [now],
    );
    const latest = await c.query(
      `SELECT id, "timestamp", severity, source, left(message, 500) AS message FROM public.system_logs
        WHERE severity IN ('error', 'critical') AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1
        ORDER BY "timestamp" DESC, id DESC LIMIT $2`,
      [now, LATEST_ROWS],
    );
    return {
      hourly: hourly.rows.map((r) => ({ hour: iso(r.hour), errors: n(r.errors), critical: n(r.critical) })),
      latest: logSummaries(latest.rows),
    };
  });

  const romanEvents = await panel<RomanEventsPanel>(pool, timeoutMs, async (c) => {
    await requireTables(c, 'ops.roman_events');
    const counts = await c.query(
      `SELECT event_type, severity, count(*) AS count FROM ops.roman_events
        WHERE "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1
        GROUP BY event_type, severity ORDER BY count DESC, event_type, severity`,
      [now],
    );
    const latest = await c.query(
      `SELECT id, "timestamp", event_type, severity, left(message, 500) AS message FROM ops.roman_events
        WHERE "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1
        ORDER BY "timestamp" DESC, id DESC LIMIT $2`,
      [now, LATEST_ROWS],
    );
    return {
      counts: counts.rows.map((r) => ({ eventType: String(r.event_type), severity: String(r.severity), count: n(r.count) })),
      latest: latest.rows.map((r) => ({
        id: n(r.id),
        timestamp: iso(r.timestamp),
        eventType: String(r.event_type),
        severity: String(r.severity),
        message: String(r.message),
      })),
    };
  });

  const aiCost = await panel<AiCostPanel>(pool, timeoutMs, async (c) => {
    await requireTables(c, 'public.ai_usage_logs');
    const daily = await c.query(
      `SELECT date_trunc('day', created_at) AS day, provider, count(*) AS requests,
              COALESCE(sum(total_tokens), 0) AS total_tokens, COALESCE(sum(cost_usd), 0) AS total_cost,
              avg(latency_ms) AS avg_latency
         FROM public.ai_usage_logs
        WHERE created_at > $1::timestamptz - interval '30 days' AND created_at <= $1
        GROUP BY provider, date_trunc('day', created_at)
        ORDER BY day DESC, provider`,
      [now],
    );
    const month = await readMonthSpend(c, now);
    const metrics = computeAiMetrics(await readAiUsageOn(c, now), { now, monthlyBudgetUsd: thresholds.aiMonthlyBudgetUsd, source: 'database' });
    return {
      daily: daily.rows.map((r) => ({
        day: iso(r.day),
        provider: String(r.provider),
        requests: n(r.requests),
        totalTokens: n(r.total_tokens),
        costUsd: Math.round(Number(r.total_cost) * 1e6) / 1e6,
        avgLatencyMs: r.avg_latency === null ? null : Math.round(Number(r.avg_latency) * 10) / 10,
      })),
      monthSpendUsd: Math.round(month.spendUsd * 1e6) / 1e6,
      monthlyBudgetUsd: thresholds.aiMonthlyBudgetUsd,
      topConsumers: metrics.topConsumers,
      projection: {
        dailyRateUsd: metrics.month.dailyRateUsd,
        projectedUsd: metrics.month.projectedUsd,
        daysInMonth: metrics.month.daysInMonth,
        overrun: metrics.month.projectedUsd > thresholds.aiMonthlyBudgetUsd,
      },
      recommendations: metrics.recommendations,
    };
  });

  const performance = await panel<PerformancePanel>(pool, timeoutMs, async (c) => {
    await requireTables(c, 'public.system_logs');
    const r = await c.query(
      `WITH bounds AS (
         SELECT to_timestamp(floor(extract(epoch FROM $2::timestamptz) / $3::int) * $3::int) AS first,
                to_timestamp(floor(extract(epoch FROM $1::timestamptz) / $3::int) * $3::int) AS last
       ), l AS (
         SELECT to_timestamp(floor(extract(epoch FROM "timestamp") / $3::int) * $3::int) AS bucket, ${GUARDED_METADATA_COLUMNS}
           FROM public.system_logs
          WHERE "timestamp" >= (SELECT first FROM bounds) AND "timestamp" <= $1
       ), agg AS (
         SELECT bucket, count(*) FILTER (WHERE ${IS_REQUEST}) AS requests,
                count(*) FILTER (WHERE ${IS_FAILED}) AS failed,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
           FROM l GROUP BY bucket
       )
       SELECT b AS start, COALESCE(agg.requests, 0) AS requests, COALESCE(agg.failed, 0) AS failed, agg.p95
         FROM bounds, generate_series(bounds.first, bounds.last, make_interval(secs => $3::int)) AS b
         LEFT JOIN agg ON agg.bucket = b
        ORDER BY b`,
      [bounds.to, bounds.from, bucketSeconds],
    );
    return {
      window: { from: bounds.from.toISOString(), to: bounds.to.toISOString(), bucketSeconds, ...('last' in range ? { preset: range.last } : {}) },
      buckets: r.rows.map((row) => ({
        start: iso(row.start),
        requests: n(row.requests),
        failed: n(row.failed),
        p95LatencyMs: row.p95 === null ? null : Math.round(Number(row.p95) * 10) / 10,
      })),
    };
  });

  const security = await panel<SecurityPanel>(pool, timeoutMs, async (c) => {
    await requireTables(c, 'public.system_logs');
    const byIp = await c.query(
      `SELECT COALESCE(NULLIF(metadata->>'ip', ''), '(unknown)') AS ip, count(*) AS violations, max("timestamp") AS last_seen
         FROM public.system_logs
        WHERE source = 'rls_violation' AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1
        GROUP BY 1 ORDER BY violations DESC, ip LIMIT 100`,
      [now],
    );
    const latest = await c.query(
      `SELECT id, "timestamp", severity, source, left(message, 500) AS message FROM public.system_logs
        WHERE source = 'rls_violation' AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1
        ORDER BY "timestamp" DESC, id DESC LIMIT $2`,
      [now, LATEST_ROWS],
    );
    return {
      byIp: byIp.rows.map((r) => ({ ip: String(r.ip), violations: n(r.violations), lastSeen: iso(r.last_seen) })),
      latest: logSummaries(latest.rows),
    };
  });

  return { generatedAt: now.toISOString(), health, recentErrors, romanEvents, aiCost, performance, security };
}
