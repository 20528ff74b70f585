/**
 * The post-deployment watch (manual: "Monitor error rate for 10 minutes"). The minutes after a
 * deployment are compared with the same number of minutes before it, per measure:
 *
 *   error_rate        error + critical log rows ÷ log rows (public.system_logs)
 *   api_success_rate  requests that did not fail ÷ requests (log rows with a status/success/latency;
 *                     failed = status ≥ 500 or success = false — the monitoring definitions)
 *   p95_latency       95th percentile of metadata.latency_ms
 *
 * A measure regresses when it is worse after with one-sided significance (two-proportion z-test for
 * the rates, Mann–Whitney U for latency, p < 0.01), on at least MIN_EVENTS observations after the
 * deployment, AND by a margin that matters (rates: one percentage point; latency: p95 ≥ 20 % higher
 * and above the manual's 500 ms target). A measure with no observations on either side is "no data";
 * when no measure could be compared the outcome is "no_data", never "healthy".
 */
import type pg from 'pg';
import type { Queryable } from '../alerts/rule';
import type { DeploymentMarker, WatchMeasure, WatchMinute, WatchReport } from '../../../shared/deployments';
import type { Clock } from '../clock';
import { GUARDED_METADATA_COLUMNS, IS_FAILED, IS_REQUEST } from '../monitoring/signals';
import { ALPHA, MIN_EVENTS, mannWhitneyGreater, proportionIncrease, quantile } from './stats';

const MINUTE = 60_000;
/** Latency samples read per side (a random sample beyond this). */
const LATENCY_SAMPLE = 20_000;
/** A rate must worsen by at least this much (absolute) to be a regression. */
const RATE_MARGIN = 0.01;
/** p95 latency must grow by this factor, and exceed the manual's response-time target, to be a regression. */
const LATENCY_FACTOR = 1.2;
const LATENCY_TARGET_MS = 500;

interface Bucket {
  bucket: number;
  logs: string;
  errors: string;
  requests: string;
  failed: string;
  p95: number | null;
}

async function tableExists(db: Queryable): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>(`SELECT to_regclass('public.system_logs') IS NOT NULL AS ok`);
  return r.rows[0]!.ok;
}

const pct = (v: number | null) => (v === null ? 'no data' : `${(v * 100).toFixed(v < 0.1 ? 2 : 1)} %`);
const ms = (v: number | null) => (v === null ? 'no data' : `${Math.round(v)} ms`);

/** The report for the data up to `now` (the after-window may still be running). */
export async function evaluateWatch(db: Queryable, deployment: DeploymentMarker, windowMinutes: number, now: Date): Promise<WatchReport> {
  const t = Date.parse(deployment.at);
  const beforeStart = new Date(t - windowMinutes * MINUTE);
  const afterEndFull = t + windowMinutes * MINUTE;
  const afterEnd = new Date(Math.min(afterEndFull, Math.max(t, now.getTime())));
  const completeMinutes = Math.max(0, Math.min(windowMinutes, Math.floor((afterEnd.getTime() - t) / MINUTE)));
  const minutes: WatchMinute[] = [];
  let latBefore: number[] = [];
  let latAfter: number[] = [];
  const exists = await tableExists(db);
  if (exists) {
    const r = await db.query<Bucket>(
      `WITH l AS (
         SELECT "timestamp" AS ts, severity, ${GUARDED_METADATA_COLUMNS}
           FROM public.system_logs WHERE "timestamp" >= $1 AND "timestamp" < $2)
       SELECT floor(extract(epoch FROM (ts - $3::timestamptz)) / 60)::int AS bucket,
              count(*) AS logs,
              count(*) FILTER (WHERE severity IN ('error', 'critical')) AS errors,
              count(*) FILTER (WHERE ${IS_REQUEST}) AS requests,
              count(*) FILTER (WHERE ${IS_FAILED}) AS failed,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
         FROM l GROUP BY 1 ORDER BY 1`,
      [beforeStart, new Date(t + completeMinutes * MINUTE), new Date(t)],
    );
    const byBucket = new Map(r.rows.map((b) => [b.bucket, b]));
    for (let b = -windowMinutes; b < completeMinutes; b++) {
      const row = byBucket.get(b);
      minutes.push({
        start: new Date(t + b * MINUTE).toISOString(),
        index: b + 1,
        logs: Number(row?.logs ?? 0),
        errors: Number(row?.errors ?? 0),
        requests: Number(row?.requests ?? 0),
        failed: Number(row?.failed ?? 0),
        p95LatencyMs: row?.p95 === null || row?.p95 === undefined ? null : Number(row.p95),
      });
    }
    const lat = await db.query<{ after: boolean; latency_ms: number }>(
      `WITH l AS (
         SELECT "timestamp" AS ts, ${GUARDED_METADATA_COLUMNS}
           FROM public.system_logs WHERE "timestamp" >= $1 AND "timestamp" < $2),
       s AS (SELECT ts >= $3::timestamptz AS after, latency_ms,
                    row_number() OVER (PARTITION BY ts >= $3::timestamptz ORDER BY random()) AS rn
               FROM l WHERE latency_ms IS NOT NULL)
       SELECT after, latency_ms FROM s WHERE rn <= $4`,
      [beforeStart, new Date(t + completeMinutes * MINUTE), new Date(t), LATENCY_SAMPLE],
    );
    latBefore = lat.rows.filter((x) => !x.after).map((x) => Number(x.latency_ms));
    latAfter = lat.rows.filter((x) => x.after).map((x) => Number(x.latency_ms));
  }
  const sum = (list: WatchMinute[], k: 'logs' | 'errors' | 'requests' | 'failed') => list.reduce((a, m) => a + m[k], 0);
  const before = minutes.filter((m) => m.index <= 0);
  const after = minutes.filter((m) => m.index > 0);
  const measures: WatchMeasure[] = [];
  const noTable = exists ? null : 'public.system_logs does not exist';

  // error rate
  {
    const nB = sum(before, 'logs');
    const nA = sum(after, 'logs');
    const test = proportionIncrease(sum(before, 'errors'), nB, sum(after, 'errors'), nA);
    measures.push(rateMeasure('error_rate', 'error rate', test, nB, nA, noTable, 'log rows'));
  }
  // API success rate (tested as the failure rate)
  {
    const nB = sum(before, 'requests');
    const nA = sum(after, 'requests');
    const test = proportionIncrease(sum(before, 'failed'), nB, sum(after, 'failed'), nA);
    const m = rateMeasure('api_success_rate', 'API success rate', test, nB, nA, noTable, 'requests');
    m.before = test.before === null ? null : 1 - test.before;
    m.after = test.after === null ? null : 1 - test.after;
    m.detail = m.detail.replace(/^API success rate .*?(?=;|$)/, `API success rate ${pct(m.before)} before, ${pct(m.after)} after`);
    measures.push(m);
  }
  // p95 latency
  {
    const b = quantile(latBefore, 0.95);
    const a = quantile(latAfter, 0.95);
    const p = mannWhitneyGreater(latBefore, latAfter);
    let status: WatchMeasure['status'];
    let detail: string;
    if (noTable || latBefore.length === 0 || latAfter.length === 0) {
      status = 'no_data';
      detail = `p95 latency: no data ${noTable ? `(${noTable})` : latAfter.length === 0 ? 'after the deployment (no timed requests)' : 'before the deployment (no timed requests)'}`;
    } else if (p === null) {
      status = 'no_data';
      detail = `p95 latency ${ms(b)} before, ${ms(a)} after; too few timed requests after the deployment to judge (${latAfter.length} < ${MIN_EVENTS})`;
    } else {
      const worse = p < ALPHA && a! > b! * LATENCY_FACTOR && a! > LATENCY_TARGET_MS;
      status = worse ? 'regression' : 'healthy';
      detail = `p95 latency ${ms(b)} before, ${ms(a)} after (p = ${p.toPrecision(2)}, ${latBefore.length} / ${latAfter.length} timed requests)${worse ? ': slower after the deployment' : ''}`;
    }
    measures.push({ name: 'p95_latency', status, before: b, after: a, nBefore: latBefore.length, nAfter: latAfter.length, pValue: p, detail });
  }
  const regressed = measures.filter((m) => m.status === 'regression');
  const compared = measures.filter((m) => m.status !== 'no_data');
  const outcome: WatchReport['outcome'] = regressed.length ? 'regression' : compared.length ? 'healthy' : 'no_data';
  const summary =
    outcome === 'regression'
      ? `Regression after ${deployment.version}: ${regressed.map((m) => m.detail).join('; ')}`
      : outcome === 'healthy'
        ? `No regression after ${deployment.version} in ${completeMinutes} of ${windowMinutes} minutes (${compared.map((m) => m.name).join(', ')} compared)`
        : `No data to compare around ${deployment.version}: ${measures.map((m) => m.detail).join('; ')}`;
  return {
    deployment,
    windowMinutes,
    before: { start: beforeStart.toISOString(), end: deployment.at },
    after: { start: deployment.at, end: new Date(t + completeMinutes * MINUTE).toISOString() },
    minutes,
    measures,
    outcome,
    summary,
  };
}

function rateMeasure(
  name: WatchMeasure['name'],
  label: string,
  test: ReturnType<typeof proportionIncrease>,
  nB: number,
  nA: number,
  noTable: string | null,
  unit: string,
): WatchMeasure {
  if (noTable || nB === 0 || nA === 0) {
    return {
      name,
      status: 'no_data',
      before: test.before,
      after: test.after,
      nBefore: nB,
      nAfter: nA,
      pValue: null,
      detail: `${label}: no data ${noTable ? `(${noTable})` : nA === 0 ? `after the deployment (no ${unit})` : `before the deployment (no ${unit})`}`,
    };
  }
  const worse = test.significant && test.after! - test.before! >= RATE_MARGIN;
  const tail =
    test.pValue === null
      ? `; too few ${unit} after the deployment to judge (${nA} < ${MIN_EVENTS})`
      : ` (p = ${test.pValue.toPrecision(2)}, ${nB} / ${nA} ${unit})${worse ? ': worse after the deployment' : ''}`;
  return {
    name,
    // Too few observations after the deployment to judge is not knowing: no data, never healthy.
    status: test.pValue === null ? 'no_data' : worse ? 'regression' : 'healthy',
    before: test.before,
    after: test.after,
    nBefore: nB,
    nAfter: nA,
    pValue: test.pValue,
    detail: `${label} ${pct(test.before)} before, ${pct(test.after)} after${tail}`,
  };
}

/** One line per minute after the deployment, as `roman deploy watch` prints it. */
export function formatMinute(m: WatchMinute, windowMinutes: number): string {
  const rate = m.logs ? `${((m.errors / m.logs) * 100).toFixed(1)} %` : 'no data';
  const success = m.requests ? `${(((m.requests - m.failed) / m.requests) * 100).toFixed(1)} %` : 'no data';
  return `minute ${m.index}/${windowMinutes} (${m.start.slice(11, 16)} UTC): ${m.logs} logs, ${m.errors} errors (${rate}); ${m.requests} requests, success ${success}; p95 ${m.p95LatencyMs === null ? 'no data' : `${Math.round(m.p95LatencyMs)} ms`}`;
}

export interface WatchOptions {
  windowMinutes: number;
  clock: Clock;
  /** Waits (the real one uses setTimeout); tests pass one that moves a ManualClock. */
  sleep: (ms: number) => Promise<void>;
  /** Called once per completed minute after the deployment, in order. */
  onMinute?: (m: WatchMinute) => void;
  signal?: AbortSignal;
  /** Rows arrive a little after their timestamp: wait this long after a minute ends (default 5 s). */
  settleMs?: number;
}

/**
 * Follows the window as it runs: after each completed minute, reports it; stops early at a
 * regression (a rollback should not wait for the window to end), else at the end of the window.
 */
export async function watchDeployment(db: pg.Pool | pg.ClientBase, deployment: DeploymentMarker, opts: WatchOptions): Promise<WatchReport> {
  const t = Date.parse(deployment.at);
  const settle = opts.settleMs ?? 5000;
  let reported = 0;
  for (;;) {
    if (opts.signal?.aborted) throw new Error('the watch was interrupted');
    const now = opts.clock.now();
    const report = await evaluateWatch(db, deployment, opts.windowMinutes, new Date(now.getTime() - settle));
    const after = report.minutes.filter((m) => m.index > 0);
    for (const m of after.slice(reported)) opts.onMinute?.(m);
    reported = after.length;
    if (report.outcome === 'regression' || after.length >= opts.windowMinutes) return report;
    const nextMinuteEnd = t + (after.length + 1) * MINUTE + settle;
    await opts.sleep(Math.max(250, nextMinuteEnd - now.getTime()));
  }
}
