/**
 * System entropy (Law of Total Coherence): entropy = (errorRate + failureRate + latencySpikes) / 3
 * over the last ENTROPY_WINDOW_MINUTES, measured from the database, and the health snapshot written
 * to ops.system_health. Exact definitions of the three terms: docs/monitoring.md.
 */
import type pg from 'pg';
import type { Clock } from '../clock';
import { DomainError } from '../../../shared/result';
import { ENTROPY_STABLE_MAX, type EntropyReading, type HealthCheckResult } from '../../../shared/monitoring';
import { LATENCY_SPIKE_MS, readWindowSignals } from './signals';

export const ENTROPY_WINDOW_MINUTES = 15;

/** Clamped to 0..1 and rounded to 12 decimals, so 0.3 / 3 reads 0.1 and not 0.09999999999999999. */
const clamp01 = (x: number) => (Number.isFinite(x) ? Math.round(Math.min(1, Math.max(0, x)) * 1e12) / 1e12 : 0);

export async function measureSystemEntropy(
  pool: pg.Pool,
  clock: Clock,
  windowMinutes: number = ENTROPY_WINDOW_MINUTES,
): Promise<EntropyReading> {
  if (!Number.isFinite(windowMinutes) || windowMinutes <= 0 || windowMinutes > 1440) {
    throw new DomainError('invalid_input', `Entropy window must be between 1 and 1440 minutes, got ${windowMinutes}`);
  }
  const end = clock.now();
  const start = new Date(end.getTime() - windowMinutes * 60_000);
  const s = await readWindowSignals(pool, start, end);
  if (!s.systemLogsExists) {
    throw new DomainError(
      'unavailable',
      'Cannot measure system entropy: table public.system_logs does not exist (run `roman db init`)',
    );
  }
  const notes: string[] = [];
  const requests = s.logRequests + s.aiRequests;
  const failed = s.logFailed + s.aiFailed;
  if (!s.aiUsageLogsExists) notes.push('public.ai_usage_logs does not exist: AI requests are not counted.');
  if (s.logs === 0) notes.push(`errorRate is 0: no system_logs rows in the last ${windowMinutes} minutes.`);
  if (requests === 0) notes.push(`failureRate is 0: no requests in the last ${windowMinutes} minutes.`);
  if (s.timed === 0) notes.push(`latencySpikes is 0: no timed requests in the last ${windowMinutes} minutes.`);
  const errorRate = s.logs > 0 ? clamp01(s.errorLogs / s.logs) : 0;
  const failureRate = requests > 0 ? clamp01(failed / requests) : 0;
  const latencySpikes = s.timed > 0 ? clamp01(s.slow / s.timed) : 0;
  const entropy = clamp01((errorRate + failureRate + latencySpikes) / 3);
  const noDataTerms: EntropyReading['noDataTerms'] = [];
  if (s.logs === 0) noDataTerms.push('errorRate');
  if (requests === 0) noDataTerms.push('failureRate');
  if (s.timed === 0) noDataTerms.push('latencySpikes');
  const data: EntropyReading['data'] = s.logs === 0 && requests === 0 ? 'no_data' : noDataTerms.length > 0 ? 'partial' : 'ok';
  if (data === 'no_data') notes.unshift(`No data: nothing was logged and no request was made in the last ${windowMinutes} minutes; the entropy is 0 because nothing was measured.`);
  return {
    entropy,
    errorRate,
    failureRate,
    latencySpikes,
    measuredAt: end.toISOString(),
    stable: entropy <= ENTROPY_STABLE_MAX,
    window: { start: start.toISOString(), end: end.toISOString(), minutes: windowMinutes },
    counts: {
      logs: s.logs,
      errorLogs: s.errorLogs,
      requests,
      failedRequests: failed,
      timedRequests: s.timed,
      slowRequests: s.slow,
    },
    notes,
    data,
    noDataTerms,
  };
}

/** The `monitoring.updated` payload of a reading: its value, time, window and whether it measured anything. */
export function entropyUpdate(reading: EntropyReading): { value: number; stable: boolean; measuredAt: string; windowMinutes: number; data: EntropyReading['data'] } {
  return { value: reading.entropy, stable: reading.stable, measuredAt: reading.measuredAt, windowMinutes: reading.window.minutes, data: reading.data };
}

/**
 * Writes one row to ops.system_health: the entropy terms, the active connections (from the
 * 'system.active_connections' check when present) and, in `metrics`, the window, the counts, the
 * database size (for the growth check) and every check's status and value.
 */
export async function recordHealthSnapshot(
  pool: pg.Pool,
  reading: EntropyReading,
  checks: HealthCheckResult[],
): Promise<{ id: number }> {
  const byKey = new Map(checks.map((c) => [c.key, c]));
  const active = byKey.get('system.active_connections');
  const size = byKey.get('space.database_size');
  const metrics = {
    window: reading.window,
    counts: reading.counts,
    notes: reading.notes,
    stable: reading.stable,
    latency_spike_ms: LATENCY_SPIKE_MS,
    database_size_bytes: size && size.value !== null ? Math.round(size.value) : undefined,
    checks: Object.fromEntries(checks.map((c) => [c.key, { status: c.status, value: c.value }])),
  };
  const r = await pool.query<{ id: string }>(
    `INSERT INTO ops.system_health ("timestamp", entropy, error_rate, failure_rate, latency_spikes, active_connections, metrics)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id`,
    [
      reading.measuredAt,
      reading.entropy,
      reading.errorRate,
      reading.failureRate,
      reading.latencySpikes,
      active && active.value !== null ? Math.round(active.value) : null,
      JSON.stringify(metrics),
    ],
  );
  return { id: Number(r.rows[0].id) };
}
