/**
 * Error patterns in a real SQLite cache: fingerprinting synced rows, statistics per pattern, status
 * with regression, merges recorded without re-keying, identity across a reopen, and occurrences
 * that go with their records.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cache } from '../../../src/main/core/store/cache';
import { ManualClock } from '../../../src/main/core/clock';
import type { NewRecord } from '../../../src/main/core/store/records';
import { openTempCache, type TempCache } from '../store/helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function temp(now: string): TempCache {
  const t = openTempCache(now);
  cleanups.push(t.cleanup);
  return t;
}

let nextId = 1;
function log(ts: string, severity: string, source: string, message: string, metadata: Record<string, unknown> = {}): NewRecord {
  return { kind: 'log', remoteTable: 'public.system_logs', remoteId: nextId++, timestamp: ts, severity, source, message, metadata };
}

describe('error patterns in the cache', () => {
  it('groups error rows into patterns with counts, first/last seen, sparkline, users, IPs, sources and deployment', async () => {
    const t = temp('2026-03-10T12:30:00Z');
    t.cache.insertRecords([
      { kind: 'event', remoteTable: 'ops.roman_events', remoteId: 'd1', timestamp: '2026-03-10T09:00:00Z', severity: 'info', type: 'deployment', message: 'Deployed v2.18.3', metadata: { correlation_id: 'deploy_20260310_abc', version: '2.18.3' } },
      log('2026-03-10T10:05:00Z', 'error', 'database', 'Database connection failed: connection pool exhausted (19/20 in use, waited 5003ms)', { user_id: 'u1', ip: '203.0.113.7', correlation_id: 'deploy_20260310_abc' }),
      log('2026-03-10T11:15:00Z', 'critical', 'database', 'Database connection failed: connection pool exhausted (20/20 in use, waited 5010ms)', { user_id: 'u2', ip: '203.0.113.8', correlation_id: 'deploy_20260310_abc' }),
      log('2026-03-10T12:10:00Z', 'error', 'api', 'Database connection failed: connection pool exhausted (20/20 in use, waited 5007ms)', { user_id: 'u1', correlation_id: 'deploy_20260310_abc' }),
      log('2026-03-10T12:00:00Z', 'info', 'auth', 'User signed in'),
      log('2026-03-10T12:01:00Z', 'warning', 'rls_violation', 'User attempted unauthorized access: SELECT on invoices denied by policy org_only', { ip: '198.51.100.23', table: 'invoices' }),
    ]);
    const report = await t.cache.triage.index();
    expect(report.indexed).toBe(4); // info rows and the info deployment event are not errors
    expect(report.patterns).toBe(2);
    const list = await t.cache.triage.list();
    const db = list.find((p) => p.template.startsWith('Database connection failed'))!;
    expect(db.template).toBe('Database connection failed: connection pool exhausted (<*>/<*> in use, waited <*>)');
    expect(db).toMatchObject({ count: 3, severity: 'critical', responseTime: 'immediately', status: 'new', users: 2, ips: 2, sources: ['api', 'database'], playbook: 'db_connection_failures' });
    expect(db.firstSeen).toBe('2026-03-10T10:05:00.000Z');
    expect(db.lastSeen).toBe('2026-03-10T12:10:00.000Z');
    expect(db.overdue).toBe(true); // critical and nobody acknowledged it
    expect(db.sparkline.counts.length).toBe(24);
    expect(db.sparkline.counts.slice(-3)).toEqual([1, 1, 1]);
    expect(db.deployment).toMatchObject({ correlationId: 'deploy_20260310_abc', version: '2.18.3', startedAfter: true });
    const rls = list.find((p) => p.playbook === 'rls_violations')!;
    expect(rls).toMatchObject({ severity: 'warning', responseTime: '1 hour', overdue: false });
    expect(rls.dueAt).toBe('2026-03-10T13:01:00.000Z');
  });

  it('sorted by count, the most frequent pattern comes first, and a severity filter applies before the limit', async () => {
    const t = temp('2026-03-10T12:30:00Z');
    const rows: NewRecord[] = [];
    // a frequent error pattern, quiet for the last half hour
    for (let i = 0; i < 8; i++) rows.push(log(`2026-03-10T11:0${i}:00Z`, 'error', 'database', `Database connection failed: connection pool exhausted (${12 + i}/20 in use, waited 50${i}0ms)`));
    // many rarer patterns and warnings that occurred more recently
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
    words.forEach((w, i) => rows.push(log(`2026-03-10T12:1${i}:00Z`, 'warning', 'queue', `Queue ${w} is backing up`)));
    rows.push(log('2026-03-10T12:20:00Z', 'error', 'edge_function', 'Edge function send-notification timed out after 10000ms (invocation inv_0a1b2c3d4e5f)'));
    t.cache.insertRecords(rows);
    await t.cache.triage.index();
    const byCount = await t.cache.triage.list({ since: '24h', severity: ['error', 'critical'], sort: 'count', limit: 1 });
    expect(byCount.map((p) => p.template)).toEqual(['Database connection failed: connection pool exhausted (<*>/<*> in use, waited <*>)']);
    const recent = await t.cache.triage.list({ since: '24h', severity: ['error', 'critical'], limit: 1 });
    expect(recent[0]!.template).toContain('Edge function send-notification timed out');
    const warnings = await t.cache.triage.list({ severity: ['warning'], limit: 100 });
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((p) => p.severity === 'warning')).toBe(true);
  });

  it('statuses: acknowledged clears overdue, resolved then a new occurrence is regressed, ignored stays ignored', async () => {
    const t = temp('2026-03-10T12:30:00Z');
    t.cache.insertRecords([log('2026-03-10T12:00:00Z', 'error', 'edge_function', 'Edge function send-notification timed out after 10000ms (invocation inv_0a1b2c3d4e5f)')]);
    await t.cache.triage.index();
    const [p] = await t.cache.triage.list();
    expect(p!.overdue).toBe(true); // error: 15 minutes
    expect((await t.cache.triage.setStatus(p!.id, 'acknowledged', 'alice')).overdue).toBe(false);
    await t.cache.triage.setStatus(p!.id, 'resolved', 'alice');
    t.clock.advance(60_000);
    t.cache.insertRecords([log('2026-03-10T12:31:00Z', 'error', 'edge_function', 'Edge function send-notification timed out after 10000ms (invocation inv_9f8e7d6c5b4a)')]);
    const r = await t.cache.triage.index();
    expect(r.regressed).toEqual([p!.id]);
    const detail = (await t.cache.triage.detail(p!.id))!;
    expect(detail.status).toBe('regressed');
    expect(detail.history.map((h) => h.status)).toEqual(['acknowledged', 'resolved', 'regressed']);
    await t.cache.triage.setStatus(p!.id, 'ignored', 'bob');
    t.cache.insertRecords([log('2026-03-10T12:32:00Z', 'error', 'edge_function', 'Edge function send-notification timed out after 10000ms (invocation inv_112233445566)')]);
    await t.cache.triage.index();
    expect((await t.cache.triage.detail(p!.id))!.status).toBe('ignored');
    expect(() => t.cache.triage.setStatus(p!.id, 'regressed', 'bob')).toThrow(/set by the app/);
    expect(() => t.cache.triage.setStatus('nope', 'resolved', 'bob')).toThrow(/no pattern/);
  });

  it('a later merge is recorded; both ids keep answering and occurrences keep the id they were given', async () => {
    const t = temp('2026-03-10T12:30:00Z');
    const users = ['alice', 'bob', 'carol', 'dave'];
    t.cache.insertRecords([log('2026-03-10T12:00:00Z', 'error', 'db', `password authentication failed for user ${users[0]}`)]);
    await t.cache.triage.index();
    const [first] = await t.cache.triage.list();
    t.cache.insertRecords(users.slice(1).map((u, i) => log(`2026-03-10T12:0${i + 1}:00Z`, 'error', 'db', `password authentication failed for user ${u}`)));
    // "user" introduces a value: the later names join the first pattern online, no merge needed
    await t.cache.triage.index();
    let list = await t.cache.triage.list();
    expect(list.length).toBe(1);
    expect(list[0]!.id).toBe(first!.id);
    expect(list[0]!.count).toBe(4);
    // names in a position without such a word: separate first, merged by consolidation, recorded
    const names = ['nginx', 'redis', 'worker', 'cron'];
    for (const n of names) {
      t.cache.insertRecords([log('2026-03-10T12:10:00Z', 'error', 'systemd', `Main process of ${n} exited, code=exited, status=1/FAILURE`)]);
      await t.cache.triage.index();
    }
    list = await t.cache.triage.list({ source: 'systemd' });
    expect(list.length).toBe(1);
    const merged = list[0]!;
    expect(merged.count).toBe(4);
    // the third name made the position a value (two merges); the fourth joined it online
    expect(merged.mergedIds.length).toBe(2);
    const detail = (await t.cache.triage.detail(merged.mergedIds[0]!))!;
    expect(detail.id).toBe(merged.id);
    expect(detail.merges.length).toBe(2);
    expect(detail.merges.every((m) => m.into === merged.id)).toBe(true);
    const occ = t.cache.db.prepare('SELECT DISTINCT pattern_id FROM triage_occurrences WHERE source = ?').all('systemd') as { pattern_id: string }[];
    expect(occ.length).toBe(3); // history is not re-keyed
  });

  it('a pattern keeps its identity across a reopen of the cache, and its notes', async () => {
    const t = temp('2026-03-10T12:30:00Z');
    t.cache.insertRecords([log('2026-03-10T12:00:00Z', 'error', 'stripe_webhook', 'Webhook signature verification failed for event evt_1a2b3c: No signatures found')]);
    await t.cache.triage.index();
    const [p] = await t.cache.triage.list();
    await t.cache.triage.addNote(p!.id, 'Rotated STRIPE_WEBHOOK_SECRET; replayed 4 events.', 'alice');
    expect(() => t.cache.triage.addNote(p!.id, '   ', 'alice')).toThrow(/needs some text/);
    t.cache.close();
    const again = Cache.open(t.path, { clock: new ManualClock('2026-03-10T13:00:00Z') });
    try {
      again.insertRecords([log('2026-03-10T12:50:00Z', 'error', 'stripe_webhook', 'Webhook signature verification failed for event evt_9z8y7x: No signatures found')]);
      await again.triage.index();
      const list = await again.triage.list();
      expect(list.length).toBe(1);
      expect(list[0]!.id).toBe(p!.id);
      expect(list[0]!.count).toBe(2);
      expect(list[0]!.playbook).toBe('stripe_webhook');
      expect((await again.triage.detail(p!.id))!.notes[0]!.text).toContain('Rotated');
    } finally {
      again.close();
    }
  });

  it('occurrences go with their records (retention) and failed R.O.M.A.N. events are patterns too', async () => {
    const t = temp('2026-03-10T12:30:00Z');
    t.cache.insertRecords([
      log('2026-01-01T00:00:00Z', 'error', 'api', 'old failure 1'),
      { kind: 'event', remoteTable: 'ops.roman_events', remoteId: 'b1', timestamp: '2026-03-10T03:00:00Z', severity: 'error', type: 'backup', message: 'Database backup failed: pg_dump: error: connection to server lost', metadata: { status: 'failed' } },
    ]);
    await t.cache.triage.index();
    expect((await t.cache.triage.list()).map((p) => p.template).sort()).toEqual(['Database backup failed: pg_dump: error: connection to server lost', 'old failure <*>']);
    await t.cache.applyRetention({ maxAgeDays: 30 });
    const list = await t.cache.triage.list();
    expect(list.map((p) => p.template)).toEqual(['Database backup failed: pg_dump: error: connection to server lost']);
  });
});
