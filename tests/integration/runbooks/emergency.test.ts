/**
 * Emergency protocols against real Postgres: every assessment query on a database built to trip it
 * (orphans across every foreign key, RLS violations, unusual access), the alert → protocol path with
 * the offending IP pre-filled, actions through the gate port, checklist ticks, phase clocks on a
 * fake clock, the timeline in the cache and ops.roman_events, and the post-mortem draft.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock';
import { Cache } from '../../../src/main/core/store/cache';
import { RunbookStore, type OperationRequest, type OperationsPort } from '../../../src/main/core/runbooks';
import { EmergencyDesk, phaseClocks, postMortemMarkdown, runAssessment } from '../../../src/main/core/emergency';
import { createMonitoredDatabase, type MonitoredDatabase } from '../monitoring/fixture';

const dir = mkdtempSync(join(tmpdir(), 'roman-emergency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let m: MonitoredDatabase;
let cache: Cache;
beforeEach(async () => {
  m = await createMonitoredDatabase();
  cache = Cache.open(join(dir, `${Math.random().toString(36).slice(2)}.sqlite`));
});
afterEach(async () => {
  cache.close();
  await m.close();
});

const NOW = new Date('2026-05-10T12:00:00Z');

describe('emergency assessment queries', { timeout: 120_000 }, () => {
  it('orphaned records are found for every foreign key — single, composite, NOT VALID, odd names — and NULL keys are not orphans', async () => {
    await m.pool.query(`
      CREATE TABLE organizations (id int PRIMARY KEY);
      CREATE TABLE employees (id int PRIMARY KEY, organization_id int REFERENCES organizations (id));
      CREATE SCHEMA shop;
      CREATE TABLE shop."Orders" (region text, no int, PRIMARY KEY (region, no));
      CREATE TABLE shop."Order Items" (id int, region text, order_no int);
      INSERT INTO organizations VALUES (1);
      INSERT INTO employees VALUES (1, 1), (2, NULL);
      INSERT INTO shop."Orders" VALUES ('eu', 1);
      INSERT INTO shop."Order Items" VALUES (1, 'eu', 1), (2, 'eu', 2), (3, 'us', 1), (4, NULL, 9);
      ALTER TABLE shop."Order Items" ADD CONSTRAINT items_order_fk FOREIGN KEY (region, order_no) REFERENCES shop."Orders" (region, no) NOT VALID;
      CREATE TABLE clean_child (id int, org int REFERENCES organizations (id));
      INSERT INTO clean_child VALUES (1, 1);
    `);
    // Rows written with triggers off (a bulk load, a replica): the FK never saw them.
    const c = await m.pool.connect();
    try {
      await c.query("SET session_replication_role = 'replica'");
      await c.query('INSERT INTO employees VALUES (3, 42), (4, 43), (5, 42)');
    } finally {
      await c.query("SET session_replication_role = 'origin'");
      c.release();
    }
    const [, orphans] = await runAssessment(m.pool, 'data-loss', { clock: new ManualClock(NOW) });
    expect(orphans!.key).toBe('orphans');
    expect(orphans!.status).toBe('warning');
    const byConstraint = Object.fromEntries(orphans!.rows.map((r) => [r.constraint, r]));
    expect(byConstraint.employees_organization_id_fkey).toMatchObject({ child: 'public.employees(organization_id)', parent: 'public.organizations(id)', orphans: 3 });
    expect(byConstraint.items_order_fk).toMatchObject({ child: 'shop.Order Items(region, order_no)', orphans: 2, validated: false });
    expect(byConstraint.clean_child_org_fkey).toMatchObject({ orphans: 0 });
    expect(orphans!.summary).toMatch(/3 foreign keys checked: 5 orphaned rows in 2 of them/);
    expect(orphans!.sql.join('\n')).toMatch(/FROM "shop"\."Order Items" c WHERE c\."region" IS NOT NULL AND c\."order_no" IS NOT NULL AND NOT EXISTS/);
  });

  it('extent lists the tables largest first with row counts; replication says there is no replica; backups warn when none is recorded', async () => {
    await m.pool.query('CREATE TABLE big AS SELECT g AS id, repeat(\'x\', 200) AS pad FROM generate_series(1, 5000) g; ANALYZE big;');
    // Table statistics reach pg_stat_user_tables asynchronously (about a second after a transaction).
    let results = await runAssessment(m.pool, 'data-loss', { clock: new ManualClock(NOW) });
    for (let i = 0; i < 20 && Number(results[0]!.rows[0]?.row_count) !== 5000; i++) {
      await new Promise((r) => setTimeout(r, 500));
      results = await runAssessment(m.pool, 'data-loss', { clock: new ManualClock(NOW) });
    }
    const by = Object.fromEntries(results.map((r) => [r.key, r]));
    expect(by.extent!.rows[0]).toMatchObject({ schemaname: 'public', tablename: 'big' });
    expect(Number(by.extent!.rows[0]!.row_count)).toBe(5000);
    expect(by.replication).toMatchObject({ status: 'ok', summary: 'No replicas are connected to this server.' });
    expect(by.backups!.status).toBe('warning');
    await m.pool.query(`INSERT INTO ops.roman_events (event_type, severity, message, idempotency_key) VALUES ('backup', 'info', 'Backup taken', 'b1')`);
    const again = await runAssessment(m.pool, 'data-loss', { clock: new ManualClock(new Date()) });
    expect(again.find((r) => r.key === 'backups')!.status).toBe('ok');
  });

  it('security breach: RLS violations of the last 24 h by IP, and users with more than 100 warnings in an hour', async () => {
    await m.pool.query(
      `INSERT INTO public.system_logs ("timestamp", severity, source, message, user_id, metadata)
       SELECT $1::timestamptz - (g || ' seconds')::interval, 'warning', 'rls_violation', 'RLS denied', '00000000-0000-0000-0000-000000000001'::uuid, '{"ip":"203.0.113.9"}'::jsonb
         FROM generate_series(1, 7) g
       UNION ALL SELECT $1::timestamptz - interval '2 hours', 'warning', 'rls_violation', 'RLS denied', NULL, '{"ip":"198.51.100.4"}'
       UNION ALL SELECT $1::timestamptz - interval '25 hours', 'warning', 'rls_violation', 'old', NULL, '{"ip":"192.0.2.1"}'`,
      [NOW],
    );
    await m.pool.query(
      `INSERT INTO public.system_logs ("timestamp", severity, source, message, user_id)
       SELECT $1::timestamptz - (g || ' seconds')::interval, 'warning', 'api', 'throttled', '00000000-0000-0000-0000-0000000000aa'::uuid FROM generate_series(1, 101) g
       UNION ALL SELECT $1::timestamptz - (g || ' seconds')::interval, 'warning', 'api', 'throttled', '00000000-0000-0000-0000-0000000000bb' FROM generate_series(1, 100) g
       UNION ALL SELECT $1::timestamptz - interval '2 hours' - (g || ' seconds')::interval, 'warning', 'api', 'throttled', '00000000-0000-0000-0000-0000000000cc' FROM generate_series(1, 300) g`,
      [NOW],
    );
    const results = await runAssessment(m.pool, 'security-breach', { clock: new ManualClock(NOW) });
    const by = Object.fromEntries(results.map((r) => [r.key, r]));
    expect(by.rls_violations!.status).toBe('warning');
    expect(by.rls_violations!.summary).toMatch(/^8 RLS violations in 24 h from 2 sources/);
    const perIp = by.rls_violations!.rows.filter((r) => r.kind === 'by ip');
    expect(perIp.map((r) => [r.ip, Number(r.violations)])).toEqual([
      ['203.0.113.9', 7],
      ['198.51.100.4', 1],
    ]);
    expect(by.rls_violations!.rows.filter((r) => r.kind === 'violation')).toHaveLength(8);
    expect(by.unusual_access!.rows.map((r) => [r.user_id, Number(r.attempts)])).toEqual([['00000000-0000-0000-0000-0000000000aa', 101]]);
    expect(by.sessions!.summary).toMatch(/connections in use/);
  });

  it('system down: DNS of the host, errors of the last 15 minutes with the most frequent first', async () => {
    await m.pool.query(
      `INSERT INTO public.system_logs ("timestamp", severity, source, message, correlation_id)
       SELECT $1::timestamptz - (g || ' seconds')::interval, 'error', 'db', 'connection refused', 'deploy-42' FROM generate_series(1, 12) g
       UNION ALL SELECT $1::timestamptz - interval '1 minute', 'critical', 'api', 'gateway timeout', NULL
       UNION ALL SELECT $1::timestamptz - interval '1 hour', 'error', 'api', 'old', NULL`,
      [NOW],
    );
    const results = await runAssessment(m.pool, 'system-down', { clock: new ManualClock(NOW), host: 'localhost' });
    const by = Object.fromEntries(results.map((r) => [r.key, r]));
    expect(by.dns!.status).toBe('ok');
    expect(by.errors!.summary).toMatch(/^13 error or critical logs/);
    expect(by.errors!.rows[0]).toMatchObject({ kind: 'top error', message: 'connection refused', correlation_id: 'deploy-42' });
    const unresolved = await runAssessment(m.pool, 'system-down', { clock: new ManualClock(NOW), host: 'no-such-host.invalid' });
    expect(unresolved[0]).toMatchObject({ key: 'dns', status: 'failed' });
  });
});

describe('an emergency incident', { timeout: 120_000 }, () => {
  it('opens from a Security Breach alert with its IP pre-filled; actions go through the gate; checklist ticks; clocks; timeline; post-mortem', async () => {
    const clock = new ManualClock(NOW);
    const asked: OperationRequest[] = [];
    const gate: OperationsPort = {
      run: (r) => {
        asked.push(r);
        return Promise.resolve(r.action === 'block_ip' ? { outcome: 'succeeded', detail: 'blocked 203.0.113.9' } : { outcome: 'refused', detail: 'needs a second approver' });
      },
    };
    const store = new RunbookStore(cache);
    const desk = new EmergencyDesk({ pool: m.pool, clock, operations: gate, store, cache });
    const inc = await desk.start({ protocol: '', openedBy: 'alice', alert: { rule: 'security_breach', title: 'Security Breach', fingerprint: 'fp1', labels: { ip: '203.0.113.9' } } });
    expect(inc.protocol).toBe('security-breach');
    expect(inc.steps.block_ip!.params.ips).toBe('203.0.113.9');
    expect(inc.assessment.map((a) => a.key)).toEqual(['rls_violations', 'unusual_access', 'sessions']);

    clock.advance(30_000);
    await desk.act(inc.id, 'block_ip', {}, 'alice');
    expect(asked[0]).toEqual({ action: 'block_ip', params: { ips: '203.0.113.9', incident_id: inc.id }, requestedBy: 'alice', standing: false });
    await expect(desk.act(inc.id, 'block_ip', { ips: '1.2.3.4; DROP TABLE x' }, 'alice')).rejects.toThrow(/not a comma-separated list of IP/);
    await expect(desk.act(inc.id, 'revoke_keys', {}, 'alice')).rejects.toThrow(/checklist item/);
    await desk.act(inc.id, 'terminate_sessions', {}, 'alice');
    expect(desk.get(inc.id)!.steps.terminate_sessions).toMatchObject({ state: 'attempted', outcome: 'refused' });

    clock.advance(60_000); // 1 min 30 s in: the immediate phase (< 1 min) is overdue
    let clocks = phaseClocks(desk.get(inc.id)!, clock.now());
    expect(clocks[0]).toMatchObject({ key: 'immediate', done: false, overdue: true });
    expect(clocks[1]).toMatchObject({ key: 'short_term', overdue: false, remainingMs: 3.5 * 60_000 });
    expect(clocks[3]).toMatchObject({ key: 'long_term', dueAt: null, overdue: false });
    await desk.tick(inc.id, 'review_assessment', true, 'one IP, 7 violations', 'bob');
    clocks = phaseClocks(desk.get(inc.id)!, clock.now());
    expect(clocks[1]).toMatchObject({ done: true, overdue: false });
    await desk.close(inc.id, 'alice', 'contained');

    const fromCache = store.getIncident(inc.id)!;
    expect(fromCache.timeline.map((t) => t.outcome)).toEqual(['opened', 'done', 'succeeded', 'not run (refused)', 'done', 'closed']);
    expect(fromCache.steps.review_assessment).toMatchObject({ state: 'done', note: 'one IP, 7 violations', by: 'bob' });
    const ev = await m.pool.query(`SELECT message, metadata FROM ops.roman_events WHERE event_type = 'incident' AND metadata->>'incident_id' = $1 ORDER BY id`, [inc.id]);
    expect(ev.rows).toHaveLength(6);
    expect(ev.rows[2].message).toMatch(/Block the suspicious IPs.*succeeded/);

    const md = postMortemMarkdown(fromCache, clock.now());
    expect(md).toMatch(/^# Post-mortem \(draft\): Security Breach \(P0\)/);
    expect(md).toMatch(/from the firing alert \*\*Security Breach\*\* \(ip=203\.0\.113\.9\)/);
    expect(md).toMatch(/\| Isolate \| < 1 min \| .* \| \*\*overdue\*\* \|/);
    expect(md).toMatch(/- \[x\] Block the suspicious IPs/);
    expect(md).toMatch(/## Timeline/);
    expect(md).toMatch(/\| alice \| Block the suspicious IPs \(ips=203\.0\.113\.9\) \| succeeded \|/);
    expect(md).toMatch(/### Recent RLS violations \(24 h\)/);
  });

  it('without the gate nothing runs: the step is recorded as not run; bad input changes nothing', async () => {
    const desk = new EmergencyDesk({ pool: m.pool, clock: new ManualClock(NOW), store: new RunbookStore(cache) });
    const inc = await desk.start({ protocol: 'data-loss', openedBy: 'carol' });
    await desk.act(inc.id, 'freeze_writes', {}, 'carol');
    expect(desk.get(inc.id)!.steps.freeze_writes).toMatchObject({ state: 'attempted', outcome: 'refused', note: 'the operations gate is not available in this build' });
    await expect(desk.act(inc.id, 'reindex', {}, 'carol')).rejects.toThrow(/"relation" is required/);
    await expect(desk.act(inc.id, 'reindex', { relation: 'x; drop table y' }, 'carol')).rejects.toThrow(/not a relation name/);
    await expect(desk.start({ protocol: 'meteor-strike', openedBy: 'carol' })).rejects.toThrow(/Unknown protocol/);
    await expect(desk.start({ protocol: '', openedBy: 'carol', alert: { rule: 'api_quota' } })).rejects.toThrow(/does not call for an emergency protocol/);
    expect(desk.get(inc.id)!.timeline).toHaveLength(3);
  });
});
