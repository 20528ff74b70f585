/**
 * Runbooks and emergency protocols through the app's handlers (the same map the renderer calls):
 * settings are validated (a bad time zone is refused and nothing is saved), scheduled runs happen
 * only once enabled (the standing approval) and catch up the missed window, and a firing alert's
 * labels pre-fill its protocol.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import type { Result } from '../../../src/shared/result';
import { DEFAULT_RUNBOOK_SCHEDULES } from '../../../src/shared/runbooks';

let db: TestDatabase;
let admin: pg.Pool;
let core: Core;
let dir: string;

async function dispatch(name: string, input: unknown): Promise<Result<unknown>> {
  return (await core.registry.dispatch(name, input, core.context({ channel: 'ui', requestedBy: 'alice' }))) as Result<unknown>;
}
async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await dispatch(name, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  db = await createTestDatabase('roman_rbapp');
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(admin);
  dir = mkdtempSync(join(tmpdir(), 'roman-rbapp-'));
  core = await createCore({ dataDir: dir, workspace: { url: db.url, name: 'Staging', environment: 'staging' } });
});

afterAll(async () => {
  await core?.close();
  await admin?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('runbooks in the app', { timeout: 180_000 }, () => {
  it('settings: the manual schedules by default, auto-run off; a bad time zone or pattern is refused and nothing changes', async () => {
    const s = await call<{ schedules: typeof DEFAULT_RUNBOOK_SCHEDULES; autoRun: boolean; projectDir: string | null }>('runbooks.settings', {});
    expect(s).toEqual({ schedules: DEFAULT_RUNBOOK_SCHEDULES, autoRun: false, projectDir: null });
    const bad = await dispatch('runbooks.setSettings', { ...s, schedules: { ...s.schedules, timeZone: 'Atlantis/Capital' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'invalid_input' });
    const badCron = await dispatch('runbooks.setSettings', { ...s, schedules: { ...s.schedules, weekly: { cron: '0 25 * * 0', enabled: true } } });
    expect(badCron.ok).toBe(false);
    expect(await call('runbooks.settings', {})).toEqual(s);
    const status = await call<{ statuses: { runbook: string; missed: boolean }[]; autoRun: boolean }>('runbooks.status', {});
    expect(status.autoRun).toBe(false);
    expect(status.statuses.map((x) => x.missed)).toEqual([true, true, true]);
    // Off: nothing ran by itself.
    const ev = await admin.query(`SELECT count(*)::int AS n FROM ops.roman_events WHERE event_type = 'runbook'`);
    expect(ev.rows[0].n).toBe(0);
  });

  it('enabling the weekly schedule (only) runs its missed window once, by itself; the report is listed', async () => {
    const s = await call<{ schedules: typeof DEFAULT_RUNBOOK_SCHEDULES }>('runbooks.settings', {});
    await call('runbooks.setSettings', {
      schedules: { ...s.schedules, timeZone: 'Europe/Berlin', monthly: { ...s.schedules.monthly, enabled: false }, quarterly: { ...s.schedules.quarterly, enabled: false } },
      projectDir: null,
      autoRun: true,
    });
    const deadline = Date.now() + 120_000;
    let reports: { runbook: string; late: boolean; trigger: string }[] = [];
    while (Date.now() < deadline) {
      reports = await call('runbooks.reports', { limit: 10 });
      if (reports.length > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ runbook: 'weekly', trigger: 'catch-up', late: true });
    await core.runbooks.wake();
    expect(await call<unknown[]>('runbooks.reports', { limit: 10 })).toHaveLength(1);
    const status = await call<{ statuses: { runbook: string; missed: boolean; time_zone: string }[] }>('runbooks.status', {});
    expect(status.statuses.find((x) => x.runbook === 'weekly')).toMatchObject({ missed: false, time_zone: 'Europe/Berlin' });
  });

  it('a Security Breach alert opens its protocol with the IP pre-filled; the post-mortem names the alert', async () => {
    const v = await call<{ incident: { id: string; protocol: string; steps: Record<string, { params: Record<string, string> }> } }>('emergency.start', {
      alert: { rule: 'security_breach', title: 'Security Breach', fingerprint: 'abc', labels: { ip: '198.51.100.7' } },
    });
    expect(v.incident.protocol).toBe('security-breach');
    expect(v.incident.steps.block_ip!.params.ips).toBe('198.51.100.7');
    const acted = await call<{ incident: { steps: Record<string, { state: string; note: string }> } }>('emergency.act', { id: v.incident.id, step: 'block_ip', params: {} });
    // through the operations gate: decided, granted, executed (this workspace is not production)
    expect(acted.incident.steps.block_ip!.state).toBe('done');
    expect(acted.incident.steps.block_ip!.note).toMatch(/^Block 198\.51\.100\.7\/32: succeeded \[grant [0-9a-f-]{36}\]$/);
    const pm = await call<{ markdown: string; filename: string }>('emergency.postMortem', { id: v.incident.id });
    expect(pm.markdown).toMatch(/from the firing alert \*\*Security Breach\*\* \(ip=198\.51\.100\.7\)/);
    const wrong = await dispatch('emergency.start', { alert: { rule: 'api_quota' } });
    expect(wrong.ok).toBe(false);
  });
});
