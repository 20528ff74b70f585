/**
 * The manual's "Real-Time Metrics" thresholds table as rules. Measurable from SQL: response time
 * (p95 > 2 s over the last minute), database connections (> 90 % of max_connections) and API success
 * rate (< 95 % over the last 5 minutes). The error-rate row (> 5 %) is the `error_rate_spike` rule.
 * Disk and memory usage are NOT measurable over SQL: they are listed in `unmeasurableThresholds`
 * with the reason, and never evaluated or faked.
 */
import { thresholdOf } from '../rule';
import type { AlertRule, UnmeasurableThreshold } from '../rule';
import { HTTP_STATUS, LATENCY_MS, formatMs, formatPercent } from './sql';

export const RESPONSE_TIME_LIMIT_MS = 2000;
export const CONNECTIONS_LIMIT_RATIO = 0.9;
export const API_SUCCESS_LIMIT_RATIO = 0.95;

export const responseTime: AlertRule = {
  name: 'response_time',
  title: 'Response Time',
  severity: 'warning',
  trigger: 'Response Time: alert if > 2s (p95 of the last minute)',
  action: 'Check slow queries, consider scaling',
  forMs: 0,
  keepFiringForMs: 60_000,
  cadence: 'normal',
  historyJudged: false,
  async evaluate(db, { at, config }) {
    // The limit from Settings (defaults < global < per-connection), the manual's value by default.
    const RESPONSE_TIME_LIMIT_MS = thresholdOf(config, 'responseTimeCriticalMs');
    const { rows } = await db.query<{ p95: number | null; n: number }>(
      `SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY lat) AS p95, count(lat)::int AS n
         FROM (SELECT ${LATENCY_MS} AS lat FROM public.system_logs
                WHERE timestamp > $1::timestamptz - interval '1 minute' AND timestamp <= $1::timestamptz) r
        WHERE lat IS NOT NULL`,
      [at.toISOString()],
    );
    const p95 = rows[0]?.p95 ?? null;
    return [
      {
        labels: {},
        active: p95 !== null && p95 > RESPONSE_TIME_LIMIT_MS,
        value: p95,
        summary:
          p95 === null
            ? 'no latency data in the last minute'
            : `p95 response time ${formatMs(p95)} over ${rows[0]!.n} requests in the last minute (limit ${formatMs(RESPONSE_TIME_LIMIT_MS)})`,
      },
    ];
  },
};

export const databaseConnections: AlertRule = {
  name: 'database_connections',
  title: 'Database Connections',
  severity: 'warning',
  trigger: 'Database Connections: alert if > 90% of max_connections',
  action: 'Check connection pooling, look for leaked or idle-in-transaction sessions',
  forMs: 0,
  keepFiringForMs: 60_000,
  cadence: 'fast',
  historyJudged: false,
  async evaluate(db, { config }) {
    // The limit from Settings (defaults < global < per-connection), the manual's value by default.
    const CONNECTIONS_LIMIT_RATIO = thresholdOf(config, 'connectionsCritical');
    const { rows } = await db.query<{ used: number; max: number }>(
      `SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS used,
              current_setting('max_connections')::int AS max`,
    );
    const used = rows[0]?.used ?? 0;
    const max = rows[0]?.max ?? 0;
    const ratio = max > 0 ? used / max : 0;
    return [
      {
        labels: {},
        active: ratio > CONNECTIONS_LIMIT_RATIO,
        value: ratio,
        summary: `${used} of ${max} connections in use (${formatPercent(ratio)}, limit ${formatPercent(CONNECTIONS_LIMIT_RATIO)})`,
      },
    ];
  },
};

/**
 * API requests are system_logs rows whose metadata carries an HTTP `status` or a boolean `success`;
 * a request failed when status >= 500 or success = 'false'.
 */
export const apiSuccessRate: AlertRule = {
  name: 'api_success_rate',
  title: 'API Success Rate',
  severity: 'warning',
  trigger: 'API Success Rate: alert if < 95% (last 5 minutes)',
  action: 'Check failing endpoints and upstream providers, review logs',
  forMs: 0,
  keepFiringForMs: 2 * 60_000,
  cadence: 'normal',
  historyJudged: false,
  async evaluate(db, { at, config }) {
    // The limit from Settings (defaults < global < per-connection), the manual's value by default.
    const API_SUCCESS_LIMIT_RATIO = thresholdOf(config, 'apiSuccessCritical');
    const { rows } = await db.query<{ total: number; failed: number }>(
      `SELECT count(*)::int AS total,
              (count(*) FILTER (WHERE coalesce(status >= 500, false) OR success = 'false'))::int AS failed
         FROM (SELECT ${HTTP_STATUS} AS status, lower(btrim(metadata->>'success')) AS success
                 FROM public.system_logs
                WHERE timestamp > $1::timestamptz - interval '5 minutes' AND timestamp <= $1::timestamptz) r
        WHERE status IS NOT NULL OR success IN ('true', 'false')`,
      [at.toISOString()],
    );
    const total = rows[0]?.total ?? 0;
    const failed = rows[0]?.failed ?? 0;
    if (total === 0) return [{ labels: {}, active: false, value: null, summary: 'no API requests in the last 5 minutes' }];
    const rate = (total - failed) / total;
    const enough = total >= config.apiSuccessMinRequests;
    return [
      {
        labels: {},
        active: enough && rate < API_SUCCESS_LIMIT_RATIO,
        value: rate,
        summary:
          `API success rate ${formatPercent(rate)} (${failed} of ${total} requests failed in the last 5 minutes, limit ${formatPercent(API_SUCCESS_LIMIT_RATIO)})` +
          (enough ? '' : `; not judged below ${config.apiSuccessMinRequests} requests`),
      },
    ];
  },
};

export const unmeasurableThresholds: UnmeasurableThreshold[] = [
  {
    name: 'disk_usage',
    title: 'Disk Usage',
    metric: 'disk usage of the database host',
    threshold: 'alert if > 90%',
    measurable: false,
    reason:
      'Postgres does not expose the free space of its volume over SQL (pg_database_size is the size of the data, not the disk usage); measure it on the host or through the provider’s metrics API.',
  },
  {
    name: 'memory_usage',
    title: 'Memory Usage',
    metric: 'memory usage of the database host',
    threshold: 'alert if > 95%',
    measurable: false,
    reason:
      'Postgres does not expose host memory usage over SQL (shared_buffers is a setting, not usage); measure it on the host or through the provider’s metrics API.',
  },
];
