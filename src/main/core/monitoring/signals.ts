/**
 * Application signals read from public.system_logs and public.ai_usage_logs over a time window:
 * log error rate, requests and failed requests, latency (p95, spikes), RLS violations per IP,
 * AI spend. Exact definitions: docs/monitoring.md. Every cast out of `metadata` is guarded by a
 * regular expression first, so a malformed row ('abc' as latency, an array as metadata, a missing
 * ip) is ignored for that measure and never breaks the query.
 */
import type pg from 'pg';

/** A request slower than this is a latency spike (manual: response time alert > 2 s). */
export const LATENCY_SPIKE_MS = 2000;

/** Guarded projections of system_logs.metadata, shared by every query that needs them. */
export const GUARDED_METADATA_COLUMNS = String.raw`
  CASE WHEN metadata->>'status' ~ '^[1-5][0-9][0-9]$' THEN (metadata->>'status')::int END AS status,
  CASE WHEN lower(metadata->>'success') IN ('true', 'false') THEN lower(metadata->>'success') = 'true' END AS success,
  CASE WHEN metadata->>'latency_ms' ~ '^[0-9]{1,12}(\.[0-9]{1,9})?$'
       THEN (metadata->>'latency_ms')::double precision END AS latency_ms`;

/** A system_logs row is a request when it carries a status, a success flag or a latency. */
export const IS_REQUEST = 'status IS NOT NULL OR success IS NOT NULL OR latency_ms IS NOT NULL';
/** A request failed when its status is 5xx or success is false. */
export const IS_FAILED = 'status >= 500 OR success = false';

export interface WindowSignals {
  systemLogsExists: boolean;
  aiUsageLogsExists: boolean;
  logs: number;
  errorLogs: number;
  logRequests: number;
  logFailed: number;
  timed: number;
  slow: number;
  p95LatencyMs: number | null;
  aiRequests: number;
  aiFailed: number;
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Signals for the window (start, end]: rows with start < timestamp ≤ end. */
export async function readWindowSignals(client: pg.ClientBase | pg.Pool, start: Date, end: Date): Promise<WindowSignals> {
  const exists = await client.query<{ logs: boolean; ai: boolean }>(
    `SELECT to_regclass('public.system_logs') IS NOT NULL AS logs, to_regclass('public.ai_usage_logs') IS NOT NULL AS ai`,
  );
  const out: WindowSignals = {
    systemLogsExists: exists.rows[0].logs,
    aiUsageLogsExists: exists.rows[0].ai,
    logs: 0,
    errorLogs: 0,
    logRequests: 0,
    logFailed: 0,
    timed: 0,
    slow: 0,
    p95LatencyMs: null,
    aiRequests: 0,
    aiFailed: 0,
  };
  if (out.systemLogsExists) {
    const r = await client.query(
      `WITH l AS (
         SELECT severity, ${GUARDED_METADATA_COLUMNS}
           FROM public.system_logs
          WHERE "timestamp" > $1 AND "timestamp" <= $2
       )
       SELECT count(*) AS logs,
              count(*) FILTER (WHERE severity IN ('error', 'critical')) AS error_logs,
              count(*) FILTER (WHERE ${IS_REQUEST}) AS requests,
              count(*) FILTER (WHERE ${IS_FAILED}) AS failed,
              count(*) FILTER (WHERE latency_ms IS NOT NULL) AS timed,
              count(*) FILTER (WHERE latency_ms > $3) AS slow,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
         FROM l`,
      [start, end, LATENCY_SPIKE_MS],
    );
    const row = r.rows[0];
    out.logs = n(row.logs);
    out.errorLogs = n(row.error_logs);
    out.logRequests = n(row.requests);
    out.logFailed = n(row.failed);
    out.timed = n(row.timed);
    out.slow = n(row.slow);
    out.p95LatencyMs = row.p95 === null ? null : Number(row.p95);
  }
  if (out.aiUsageLogsExists) {
    const r = await client.query(
      `SELECT count(*) AS requests, count(*) FILTER (WHERE success IS FALSE) AS failed
         FROM public.ai_usage_logs WHERE created_at > $1 AND created_at <= $2`,
      [start, end],
    );
    out.aiRequests = n(r.rows[0].requests);
    out.aiFailed = n(r.rows[0].failed);
  }
  return out;
}

/** AI spend in the calendar month (UTC) containing `at`. */
export async function readMonthSpend(client: pg.ClientBase | pg.Pool, at: Date): Promise<{ exists: boolean; spendUsd: number; requests: number }> {
  const exists = await client.query<{ ok: boolean }>(`SELECT to_regclass('public.ai_usage_logs') IS NOT NULL AS ok`);
  if (!exists.rows[0].ok) return { exists: false, spendUsd: 0, requests: 0 };
  const r = await client.query(
    `SELECT COALESCE(sum(cost_usd), 0) AS spend, count(*) AS requests
       FROM public.ai_usage_logs
      WHERE created_at >= date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        AND created_at <= $1`,
    [at],
  );
  return { exists: true, spendUsd: Number(r.rows[0].spend), requests: n(r.rows[0].requests) };
}

