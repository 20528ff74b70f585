/**
 * The scheduler's LISTEN/NOTIFY fast path on real Postgres: a burst of 10 errors alerts within a
 * second (rules otherwise run only hourly here), LISTEN comes back after the connection is killed,
 * and with two apps on one database only the advisory-lock leader sends the once-only notification.
 * Monitoring uses at most 2 connections per app.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertNotification } from '../../../src/main/core/alerts/engine';
import { AlertService } from '../../../src/main/core/alerts/service';
import { systemClock } from '../../../src/main/core/clock';
import { openPool, type RomanPool } from '../../../src/main/core/db/connection';
import { NotifierRegistry, type NotifierProvider } from '../../../src/main/core/notify/notifier';
import { MonitorScheduler } from '../../../src/main/core/scheduler';
import { openAlertsTestDb, resetData, type AlertsTestDb } from './support';

let t: AlertsTestDb;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await openAlertsTestDb();
});
afterAll(async () => {
  await t?.close();
});

interface App {
  scheduler: MonitorScheduler;
  service: AlertService;
  sent: { at: number; n: AlertNotification }[];
  pools: RomanPool[];
  stop(): Promise<void>;
}
const apps: App[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.stop();
  await resetData(t.pool);
});

/** An app wired like `roman watch`: 1 pool connection + 1 LISTEN client; a once-only notifier for the leader. */
async function startApp(): Promise<App> {
  const db = openPool(t.db.url, { max: 1, lazy: true });
  const listenPool = openPool(t.db.url, { max: 1, lazy: true, statementTimeoutMs: 0, idleTimeoutMillis: 0 });
  const sent: App['sent'] = [];
  let scheduler: MonitorScheduler | null = null;
  const recorder: NotifierProvider<null> = { kind: 'recorder', send: async (_c, n) => void sent.push({ at: performance.now(), n }) };
  const notifiers = new NotifierRegistry(systemClock);
  notifiers.register('once-only', recorder, null, () => scheduler?.isLeader() ?? false);
  const service = new AlertService({ db: db.pool, clock: systemClock, notifiers, isLeader: () => scheduler?.isLeader() ?? false });
  scheduler = new MonitorScheduler({
    service,
    cadenceMs: { signal: HOUR, fast: HOUR, normal: HOUR, slow: HOUR },
    tickMs: 100,
    listen: {
      connect: () => listenPool.pool.connect(),
      dispose: (c, err) => {
        if ('release' in c) c.release(err ?? true);
      },
      initialBackoffMs: 50,
    },
  });
  await scheduler.start();
  const app: App = {
    scheduler,
    service,
    sent,
    pools: [db, listenPool],
    async stop() {
      await scheduler!.stop();
      await db.close();
      await listenPool.close();
    },
  };
  apps.push(app);
  return app;
}

const burst = (n: number) =>
  t.pool.query(`INSERT INTO public.system_logs (severity, source, message) SELECT 'critical', 'api', 'boom ' || g FROM generate_series(1, $1::int) g`, [n]);

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined || performance.now() > end) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const systemDownSent = (app: App) => app.sent.find((s) => s.n.firing.some((a) => a.rule === 'system_down'));

describe('LISTEN/NOTIFY fast path', () => {
  it('notifies System Down on the NOTIFY of 10 errors, not on the next poll', async () => {
    // Every rule polls once an hour here: a notification at all (before that) is the fast path.
    // No wall-clock assertion: a busy machine may take longer than a second, the path is the same.
    const app = await startApp();
    expect(app.scheduler.listenState).toBe('listening');
    expect(systemDownSent(app)).toBeUndefined();
    await burst(10);
    const hit = await waitFor(() => systemDownSent(app), 30_000);
    expect(hit).toBeDefined();
  });

  it('uses at most 2 connections per app', async () => {
    await startApp();
    const { rows } = await t.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'roman-desktop'`,
    );
    expect(rows[0]!.n).toBeLessThanOrEqual(2);
  });

  it('LISTENs again (and takes the leader lock back) after its connection is killed', async () => {
    const app = await startApp();
    const listenerPid = async () =>
      (
        await t.pool.query<{ pid: number }>(
          `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE l.locktype = 'advisory' AND a.datname = current_database() AND a.application_name = 'roman-desktop'`,
        )
      ).rows[0]?.pid;
    const before = await listenerPid();
    expect(before).toBeDefined();
    await t.pool.query('SELECT pg_terminate_backend($1)', [before]);
    expect(await waitFor(() => (app.scheduler.listenState === 'reconnecting' || !app.scheduler.isLeader() ? true : undefined), 2000)).toBe(true);
    expect(await waitFor(() => (app.scheduler.listenState === 'listening' && app.scheduler.isLeader() ? true : undefined), 5000)).toBe(true);
    const after = await listenerPid();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(systemDownSent(app)).toBeUndefined();
    await burst(10);
    const hit = await waitFor(() => systemDownSent(app), 30_000);
    expect(hit).toBeDefined();
  });

  it('with two apps on one database, only the leader sends the once-only notification', async () => {
    const a = await startApp();
    const b = await startApp();
    expect([a.scheduler.isLeader(), b.scheduler.isLeader()].sort()).toEqual([false, true]);
    await burst(12);
    await waitFor(() => systemDownSent(a) ?? systemDownSent(b), 3000);
    await new Promise((r) => setTimeout(r, 300));
    // Both apps see the alert firing…
    expect(a.service.list().firing.map((x) => x.rule)).toContain('system_down');
    expect(b.service.list().firing.map((x) => x.rule)).toContain('system_down');
    // …one sends it.
    expect(a.sent.length + b.sent.length).toBe(1);
    // The transition was written to ops.roman_events once.
    const { rows } = await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops.roman_events WHERE event_type = 'alert'`);
    expect(rows[0]!.n).toBe(1);
  });

  it('a restarted app neither re-sends an ongoing incident nor forgets when it started', async () => {
    const first = await startApp();
    await burst(10);
    const hit = await waitFor(() => systemDownSent(first), 3000);
    expect(hit).toBeDefined();
    const startsAt = first.service.list().firing.find((a) => a.rule === 'system_down')!.startsAt;
    await first.stop();
    apps.splice(apps.indexOf(first), 1);
    const second = await startApp();
    await new Promise((r) => setTimeout(r, 300));
    expect(second.service.list().firing.find((a) => a.rule === 'system_down')!.startsAt).toBe(startsAt);
    expect(systemDownSent(second)).toBeUndefined();
  });

  it('hands leadership over when the leader stops', async () => {
    const a = await startApp();
    const b = await startApp();
    const [leader, follower] = a.scheduler.isLeader() ? [a, b] : [b, a];
    await leader.stop();
    apps.splice(apps.indexOf(leader), 1);
    expect(await waitFor(() => (follower.scheduler.isLeader() ? true : undefined), 2000)).toBe(true);
  });
});
