/**
 * Keeps the sample workspace alive: while it is open, writes the sample product's traffic (live.ts)
 * up to the clock's "now" through the same Postgres server the app reads (so the LISTEN/NOTIFY
 * signals, the alert rules and the sync see it like any application's writes).
 *
 * One timeline. The time written up to is kept in the database (public.sample_traffic, updated in
 * the same transaction as the rows), so a reopened sample continues where it stopped: it first
 * writes the time it was closed (at most SAMPLE_SPAN_DAYS, calm except the last hour, with health
 * snapshots since no app measured them), then the rows older than SAMPLE_SPAN_DAYS are removed.
 * Rows are never moved in time, so what the cache holds stays true.
 *
 * Cost: one small transaction every `tickMs` (default 5 s), a few rows each.
 */
import pg from 'pg';
import type { Clock } from '../clock';
import { DAY, HOUR, MINUTE, SAMPLE_SPAN_DAYS } from './data';
import { generateTraffic, trafficContext, type TrafficContext } from './live';
import { insertAiUsage, insertEvents, insertHealth, insertLogs, setWrittenUntil } from './writer';

export const DEFAULT_TRAFFIC_TICK_MS = 5000;
/** A long gap is written in chunks of this size (one transaction each). */
const CATCH_UP_CHUNK_MS = 6 * HOUR;
/** When catching up a gap, only its last hour has the cycle's incidents. */
const CATCH_UP_INCIDENTS_MS = HOUR;

export interface SampleTrafficOptions {
  url: string;
  clock: Clock;
  /** PRNG seed (default: the shipped sample's). */
  seed: number;
  /** Write every this many ms (default 5000); 0: only when tick() is called. */
  tickMs?: number;
  onProgress?: (message: string) => void;
  /** A tick that failed (the next one tries again, on a new connection). */
  onError?: (err: Error) => void;
}

export interface TickResult {
  from: Date;
  to: Date;
  rows: number;
}

export interface SampleTraffic {
  /** Writes the traffic from where it stopped up to the clock's now. */
  tick(): Promise<TickResult>;
  /** The time the traffic is written up to. */
  writtenUntil(): Date;
  /** Stops writing (waits for a write in progress) and closes the connection. */
  stop(): Promise<void>;
}

/**
 * Starts the generator: catches up the time since the sample was last open, then (with tickMs > 0)
 * keeps writing on a timer that never keeps the process alive.
 */
export async function startSampleTraffic(options: SampleTrafficOptions): Promise<SampleTraffic> {
  const tickMs = options.tickMs ?? DEFAULT_TRAFFIC_TICK_MS;
  if (!Number.isFinite(tickMs) || tickMs < 0) throw new Error(`sample traffic: tickMs must be 0 or more, got ${tickMs}`);
  let client: pg.Client | null = null;
  const connect = async (): Promise<pg.Client> => {
    if (client) return client;
    const c = new pg.Client({ connectionString: options.url, application_name: 'roman-sample-traffic' });
    c.on('error', () => undefined);
    await c.connect();
    client = c;
    return c;
  };
  const drop = () => {
    void client?.end().catch(() => undefined);
    client = null;
  };

  const c = await connect();
  const state = await c.query<{ t: Date | null; deployment: string | null }>(
    `SELECT (SELECT written_until FROM public.sample_traffic WHERE id = 1) AS t,
            (SELECT metadata->>'correlation_id' FROM ops.roman_events WHERE event_type = 'deployment'
              ORDER BY timestamp DESC LIMIT 1) AS deployment`,
  );
  const ctx: TrafficContext = trafficContext(options.seed, state.rows[0]?.deployment ?? null);
  const now = () => options.clock.now().getTime();
  let until = state.rows[0]?.t?.getTime() ?? now();

  const write = async (from: number, to: number, catchUp: boolean): Promise<number> => {
    const rows = generateTraffic(from, to, ctx, catchUp ? { incidentsFrom: now() - CATCH_UP_INCIDENTS_MS, health: true } : {});
    const db = await connect();
    try {
      await db.query('BEGIN');
      await insertLogs(db, rows.logs);
      await insertAiUsage(db, rows.aiUsage);
      await insertEvents(db, rows.events);
      await insertHealth(db, rows.health);
      await setWrittenUntil(db, new Date(to));
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      drop();
      throw err;
    }
    until = to;
    return rows.logs.length + rows.aiUsage.length + rows.events.length + rows.health.length;
  };

  // Catch up the time the sample was closed.
  const gapStart = until;
  const target = now();
  if (target - until > MINUTE) {
    const from = Math.max(until, target - SAMPLE_SPAN_DAYS * DAY);
    options.onProgress?.(`writing the ${((target - from) / HOUR).toFixed(1)} h since the sample workspace was last open`);
    until = from;
    for (let t = from; t < target; t = Math.min(target, t + CATCH_UP_CHUNK_MS)) {
      await write(t, Math.min(target, t + CATCH_UP_CHUNK_MS), true);
    }
  }
  if (gapStart < target - MINUTE) {
    const cutoff = new Date(target - SAMPLE_SPAN_DAYS * DAY).toISOString();
    await c.query('DELETE FROM public.system_logs WHERE timestamp < $1', [cutoff]);
    await c.query('DELETE FROM public.ai_usage_logs WHERE created_at < $1', [cutoff]);
    await c.query('DELETE FROM ops.system_health WHERE timestamp < $1', [cutoff]);
  }

  let running: Promise<TickResult> | null = null;
  let stopped = false;
  const tick = (): Promise<TickResult> => {
    running ??= (async () => {
      const from = until;
      const to = now();
      if (stopped || to <= from) return { from: new Date(from), to: new Date(from), rows: 0 };
      const rows = await write(from, to, false);
      return { from: new Date(from), to: new Date(to), rows };
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer =
    tickMs > 0
      ? setInterval(() => {
          tick().catch((err: unknown) => options.onError?.(err instanceof Error ? err : new Error(String(err))));
        }, tickMs)
      : null;
  timer?.unref();

  return {
    tick,
    writtenUntil: () => new Date(until),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
