/**
 * Maintenance runbooks against real Postgres and a real SQLite cache, on a fake clock: catch-up
 * after a 3-week sleep runs once and says it was late; two apps racing for one window run it once;
 * a failing section does not stop the others; the report is in the cache, in ops.roman_events and
 * in Markdown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock';
import { Cache } from '../../../src/main/core/store/cache';
import { schemaAuditSection } from '../../../src/main/core/runbooks/schema-audit';
import {
  RunbookRunner,
  RunbookScheduler,
  RunbookStore,
  reportMarkdown,
  runbookStatus,
  type OperationsPort,
  type SectionDef,
} from '../../../src/main/core/runbooks';
import { DISK_USAGE, ERROR_SUMMARY } from '../../../src/main/core/runbooks/weekly';
import { DEFAULT_RUNBOOK_SCHEDULES, type RunbookProgress, type RunbookSchedules } from '../../../src/shared/runbooks';
import { createMonitoredDatabase, type MonitoredDatabase } from '../monitoring/fixture';

const dir = mkdtempSync(join(tmpdir(), 'roman-runbooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Only weekly is enabled in these tests unless a test says otherwise. */
const WEEKLY_ONLY: RunbookSchedules = {
  ...DEFAULT_RUNBOOK_SCHEDULES,
  monthly: { ...DEFAULT_RUNBOOK_SCHEDULES.monthly, enabled: false },
  quarterly: { ...DEFAULT_RUNBOOK_SCHEDULES.quarterly, enabled: false },
};

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

async function runbookEvents(pool: pg.Pool, runbook: string) {
  const r = await pool.query<{ metadata: Record<string, unknown>; severity: string; message: string }>(
    `SELECT metadata, severity, message FROM ops.roman_events WHERE event_type = 'runbook' AND metadata->>'runbook' = $1 ORDER BY id`,
    [runbook],
  );
  return r.rows;
}

describe('maintenance runbooks', { timeout: 180_000 }, () => {
  it('a laptop asleep for 3 weeks runs the weekly runbook once on wake, late, and then it is up to date', async () => {
    const clock = new ManualClock('2026-03-01T07:00:00Z'); // Sunday 02:00 EST: a weekly window
    const store = new RunbookStore(cache);
    const runner = new RunbookRunner({ pool: m.pool, clock, url: m.db.url, store });
    const scheduler = new RunbookScheduler({ runner, pool: m.pool, clock, schedules: () => WEEKLY_ONLY });
    const first = await scheduler.check();
    expect(first.filter((o) => o.ran)).toHaveLength(1);
    const onTime = first.find((o) => o.ran);
    expect(onTime?.ran && onTime.report.late).toBe(false);
    expect(onTime?.ran && onTime.report.trigger).toBe('schedule');

    clock.advance(21 * 86_400_000 + 5 * 3_600_000); // 3 weeks of sleep: 3 windows missed (Mar 8, 15, 22)
    const statusBefore = await runbookStatus(m.pool, WEEKLY_ONLY, clock);
    expect(statusBefore.find((s) => s.runbook === 'weekly')).toMatchObject({ missed: true, last_window: '2026-03-22T06:00:00.000Z' });

    const [a, b] = await Promise.all([scheduler.wake(), scheduler.wake()]);
    expect(a).toBe(b);
    const ran = a.filter((o) => o.ran);
    expect(ran).toHaveLength(1);
    const late = ran[0]!;
    if (!late.ran) throw new Error('unreachable');
    expect(late.report).toMatchObject({ runbook: 'weekly', late: true, trigger: 'catch-up', window: '2026-03-22T06:00:00.000Z' });
    expect(late.report.lateByMs).toBe(6 * 3_600_000); // 02:00 EDT after the spring-forward change

    expect(await scheduler.check().then((o) => o.filter((x) => x.ran))).toHaveLength(0);
    const events = await runbookEvents(m.pool, 'weekly');
    expect(events).toHaveLength(2);
    expect(events[1]!.metadata).toMatchObject({ runbook: 'weekly', late: true, trigger: 'catch-up' });
    expect(events[1]!.message).toMatch(/late/);
    const status = (await runbookStatus(m.pool, WEEKLY_ONLY, clock)).find((s) => s.runbook === 'weekly');
    expect(status).toMatchObject({ missed: false, last_run: clock.now().toISOString(), next_due: '2026-03-29T06:00:00.000Z' });
    expect(store.listReports({ runbook: 'weekly' })).toHaveLength(2);
    await scheduler.stop();
  });

  it('two apps racing for one window: exactly one runs it, the other is told why', async () => {
    const clock = new ManualClock('2026-11-01T07:00:30Z'); // fall-back Sunday, 02:00:30 EST
    const pool2 = new pg.Pool({ connectionString: m.db.url, max: 2 });
    pool2.on('error', () => undefined);
    try {
      const app1 = new RunbookRunner({ pool: m.pool, clock, url: m.db.url, store: new RunbookStore(cache) });
      const app2 = new RunbookRunner({ pool: pool2, clock, url: m.db.url });
      const window = new Date('2026-11-01T07:00:00Z');
      const req = { runbook: 'weekly' as const, window, trigger: 'schedule' as const, requestedBy: 'scheduler', channel: 'scheduler' as const, standing: true };
      const outcomes = await Promise.all([app1.run(req), app2.run(req), app1.run(req), app2.run(req)]);
      expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
      for (const o of outcomes.filter((x) => !x.ran)) expect(o.ran === false && ['already_ran', 'running_elsewhere']).toContain(o.ran === false ? o.reason : '');
      expect(await runbookEvents(m.pool, 'weekly')).toHaveLength(1);
      // and afterwards neither runs it again
      expect((await app2.run(req)).ran).toBe(false);
      expect(await runbookEvents(m.pool, 'weekly')).toHaveLength(1);
    } finally {
      await pool2.end();
    }
  });

  it('a failing section does not stop the others; the report says which failed, with progress for each', async () => {
    const clock = new ManualClock('2026-06-07T06:00:00Z');
    const broken: SectionDef = {
      key: 'broken',
      title: 'A section whose query fails',
      run: async (ctx) => {
        await ctx.client.query('SELECT * FROM public.no_such_table');
        return { status: 'ok', summary: 'unreachable' };
      },
    };
    const progress: RunbookProgress[] = [];
    const runner = new RunbookRunner({
      pool: m.pool,
      clock,
      store: new RunbookStore(cache),
      sections: { weekly: [ERROR_SUMMARY, broken, DISK_USAGE] },
      onProgress: (p) => progress.push(p),
    });
    const o = await runner.run({ runbook: 'weekly', trigger: 'manual', requestedBy: 'alice', channel: 'cli', standing: false });
    if (!o.ran) throw new Error(o.detail);
    expect(o.report.status).toBe('failed');
    expect(o.report.sections.map((s) => [s.key, s.status])).toEqual([
      ['error_summary', 'ok'],
      ['broken', 'failed'],
      ['disk_usage', 'ok'],
    ]);
    expect(o.report.sections[1]!.summary).toMatch(/no_such_table/);
    expect(progress.filter((p) => p.phase === 'finished').map((p) => p.section)).toEqual(['error_summary', 'broken', 'disk_usage']);
    const [event] = await runbookEvents(m.pool, 'weekly');
    expect(event!.severity).toBe('warning');
    expect(event!.message).toMatch(/1 failed section\(s\): A section whose query fails/);
    const md = reportMarkdown(o.report);
    expect(md).toMatch(/# Weekly maintenance report/);
    expect(md).toMatch(/❌ failed/);
    expect(md).toMatch(/```sql\nSELECT severity, count\(\*\)/);
  });

  it('the weekly sections: VACUUM is asked of the gate (not run when it is unavailable), the rest report real figures or say why not', async () => {
    const clock = new ManualClock('2026-06-07T06:00:00Z');
    await m.pool.query(`INSERT INTO public.system_logs (severity, source, message, "timestamp") VALUES ('error','api','boom', $1), ('critical','db','down', $1), ('info','api','ok', $1)`, [
      new Date('2026-06-05T00:00:00Z'),
    ]);
    const asked: unknown[] = [];
    const gate: OperationsPort = {
      run: (r) => {
        asked.push(r);
        return Promise.resolve({ outcome: 'succeeded', detail: 'VACUUM ANALYZE done' });
      },
    };
    const withoutGate = new RunbookRunner({ pool: m.pool, clock, url: m.db.url });
    const a = await withoutGate.run({ runbook: 'weekly', trigger: 'manual', requestedBy: 'alice', channel: 'cli', standing: false });
    if (!a.ran) throw new Error(a.detail);
    const byKey = Object.fromEntries(a.report.sections.map((s) => [s.key, s]));
    expect(byKey.vacuum_analyze).toMatchObject({ status: 'not_run' });
    expect(byKey.vacuum_analyze!.summary).toMatch(/the operations gate is not available in this build/);
    expect(byKey.slow_queries!.status).toBe('unavailable');
    expect(byKey.slow_queries!.summary).toMatch(/^unavailable: .*pg_stat_statements/);
    expect(byKey.disk_usage!.notes.join(' ')).toMatch(/cannot be read over a database connection/);
    expect(byKey.backup_verification).toMatchObject({ status: 'ok' });
    expect(Number(byKey.backup_verification!.figures.dump_bytes)).toBeGreaterThan(0);
    expect(byKey.error_summary!.figures).toMatchObject({ error: 1, critical: 1, info: 1 });
    expect(byKey.dependencies!.summary).toMatch(/^unavailable: no project folder/);
    expect(a.report.status).toBe('ok');
    expect(a.report.decision.recorded).toBe(true);

    const withGate = new RunbookRunner({ pool: m.pool, clock, operations: gate, url: null });
    const b = await withGate.run({ runbook: 'weekly', window: new Date('2026-06-07T06:00:00Z'), trigger: 'schedule', requestedBy: 'scheduler', channel: 'scheduler', standing: true });
    if (!b.ran) throw new Error(b.detail);
    expect(b.report.sections[0]).toMatchObject({ key: 'vacuum_analyze', status: 'ok' });
    expect(asked).toEqual([{ action: 'vacuum', params: { relation: null, analyze: true }, requestedBy: 'scheduler', standing: true }]);
    expect(b.report.sections.find((s) => s.key === 'backup_verification')!.summary).toMatch(/^unavailable: no connection URL/);
  });

  it('monthly adds the full backup, the schema audit, the AI cost review and a performance baseline compared with the previous one; quarterly is a checklist', async () => {
    const clock = new ManualClock('2026-06-07T06:00:00Z');
    const store = new RunbookStore(cache);
    const runner = new RunbookRunner({ pool: m.pool, clock, store, audit: schemaAuditSection(m.pool, clock, 'test database', null) });
    const first = await runner.run({ runbook: 'monthly', trigger: 'manual', requestedBy: 'alice', channel: 'ui', standing: false });
    if (!first.ran) throw new Error(first.detail);
    const keys = first.report.sections.map((s) => s.key);
    expect(keys).toEqual(expect.arrayContaining(['vacuum_analyze', 'full_backup', 'schema_audit', 'ai_cost_review', 'performance_baseline']));
    // The schema audit really runs (the same audit as `roman audit`), and is saved for the next comparison.
    const audit = first.report.sections.find((s) => s.key === 'schema_audit')!;
    expect(audit.status === 'ok' || audit.status === 'warning').toBe(true);
    expect(audit.summary).toMatch(/finding.* open; first report/);
    expect((await m.pool.query(`SELECT count(*)::int AS n FROM ops.roman_events WHERE event_type = 'audit'`)).rows[0].n).toBe(1);
    const baseline = first.report.sections.find((s) => s.key === 'performance_baseline')!;
    expect(baseline.rows.length).toBeGreaterThan(3);
    expect(baseline.summary).toMatch(/no earlier baseline/);
    clock.advance(28 * 86_400_000);
    const second = await runner.run({ runbook: 'monthly', trigger: 'manual', requestedBy: 'alice', channel: 'ui', standing: false });
    if (!second.ran) throw new Error(second.detail);
    expect(second.report.sections.find((s) => s.key === 'performance_baseline')!.summary).toMatch(/compared with the previous report/);
    expect(second.report.sections.find((s) => s.key === 'schema_audit')!.summary).toMatch(/since the report of/);

    const q = await runner.run({ runbook: 'quarterly', trigger: 'manual', requestedBy: 'alice', channel: 'ui', standing: false });
    if (!q.ran) throw new Error(q.detail);
    expect(Object.fromEntries(q.report.sections.map((s) => [s.key, s.status]))).toMatchObject({
      architecture_review: 'checklist',
      capacity_planning: 'checklist',
      dr_drill: 'not_run',
      constitutional_core_review: 'ok',
    });
    expect(store.listReports()).toHaveLength(3);
  });
});
