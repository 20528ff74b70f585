/** `roman runbooks …` as a user runs it, against real Postgres (the README's commands). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roman } from './run-roman';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { initDatabase } from '../../src/main/core/db/migrations';

const dir = mkdtempSync(join(tmpdir(), 'roman-runbooks-cli-'));
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('roman_rbcli');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  await initDatabase(pool);
  await pool.end();
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('roman runbooks', { timeout: 300_000 }, () => {
  it('status → every runbook with last_run null, next_due, missed; catch-up runs each missed one once; status then shows them run', () => {
    const cache = ['--cache', join(dir, 'a.sqlite')];
    const before = roman(['runbooks', 'status', '--db', db.url, '--json', ...cache]);
    expect(before.status).toBe(0);
    const rows = JSON.parse(before.stdout) as { runbook: string; last_run: string | null; next_due: string; missed: boolean }[];
    expect(rows.map((r) => r.runbook)).toEqual(['weekly', 'monthly', 'quarterly']);
    for (const r of rows) {
      expect(r.last_run).toBeNull();
      expect(Date.parse(r.next_due)).toBeGreaterThan(Date.now());
      expect(r.missed).toBe(true);
    }
    const c = roman(['runbooks', 'catch-up', '--db', db.url, '--json', ...cache]);
    expect(c.status).toBe(0);
    const outcomes = JSON.parse(c.stdout) as { runbook: string; ran: boolean; late: boolean }[];
    expect(outcomes.map((o) => [o.runbook, o.ran])).toEqual([
      ['weekly', true],
      ['monthly', true],
      ['quarterly', true],
    ]);
    const again = JSON.parse(roman(['runbooks', 'catch-up', '--db', db.url, '--json', ...cache]).stdout) as { ran: boolean; reason: string }[];
    expect(again.map((o) => [o.ran, o.reason])).toEqual([
      [false, 'not_due'],
      [false, 'not_due'],
      [false, 'not_due'],
    ]);
    const after = JSON.parse(roman(['runbooks', 'status', '--db', db.url, '--json', ...cache]).stdout) as { last_run: string | null; missed: boolean }[];
    for (const r of after) {
      expect(r.last_run).not.toBeNull();
      expect(r.missed).toBe(false);
    }
  });

  it('run weekly prints the report (sections "unavailable" still exit 0) and records it in ops.roman_events', async () => {
    const r = roman(['runbooks', 'run', 'weekly', '--db', db.url, '--json', '--cache', join(dir, 'b.sqlite')]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { runbook: string; status: string; sections: { key: string; status: string; summary: string }[] };
    expect(report.runbook).toBe('weekly');
    expect(report.sections.find((s) => s.key === 'vacuum_analyze')).toMatchObject({ status: 'not_run' });
    expect(report.sections.find((s) => s.key === 'dependencies')!.summary).toMatch(/^unavailable/);
    const text = roman(['runbooks', 'run', 'quarterly', '--db', db.url, '--cache', join(dir, 'b.sqlite')]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/quarterly runbook finished/);
    expect(text.stdout).toMatch(/checklist\s+Capacity planning/);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const ev = await pool.query(`SELECT count(*)::int AS n FROM ops.roman_events WHERE event_type = 'runbook' AND metadata->>'runbook' = 'weekly'`);
      expect(ev.rows[0].n).toBeGreaterThanOrEqual(2);
    } finally {
      await pool.end();
    }
  });

  it('bad input is a usage error (exit 2) and an unreachable database exit 4', () => {
    expect(roman(['runbooks', 'run', 'daily', '--db', db.url]).status).toBe(2);
    expect(roman(['runbooks', 'status']).status).toBe(2);
    expect(roman(['runbooks', 'status', '--db', db.url, '--time-zone', 'Mars/Base']).status).toBe(2);
    const down = roman(['runbooks', 'status', '--db', 'postgres://postgres@127.0.0.1:1/none', '--cache', join(dir, 'c.sqlite')]);
    expect(down.status).toBe(4);
    expect(down.stderr).toMatch(/cannot reach/);
  });

  it('emergency start data-loss opens the protocol and prints its assessment; --json has the phases with time targets; the incident is in ops.roman_events', async () => {
    const r = roman(['emergency', 'start', 'data-loss', '--db', db.url, '--json', '--cache', join(dir, 'e.sqlite')]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { incident_id: string; protocol: string; assessment: { key: string; status: string }[]; phases: { targetLabel: string; steps: { key: string }[] }[] };
    expect(out.protocol).toBe('data-loss');
    expect(out.assessment.map((a) => a.key)).toEqual(['extent', 'orphans', 'replication', 'backups']);
    expect(out.phases.map((p) => p.targetLabel)).toEqual(['< 1 min', '< 5 min', '< 15 min', 'long-term']);
    expect(out.phases[0]!.steps.map((s) => s.key)).toEqual(['freeze_writes']);
    const text = roman(['emergency', 'start', 'security-breach', '--db', db.url, '--ip', '203.0.113.9', '--cache', join(dir, 'e.sqlite')]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Security Breach \(P0\) opened/);
    expect(text.stdout).toMatch(/\[ok\] Recent RLS violations \(24 h\): No RLS violations/);
    expect(text.stdout).toMatch(/action block_ip ips=203\.0\.113\.9/);
    expect(roman(['emergency', 'start', 'meteor', '--db', db.url]).status).toBe(2);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const ev = await pool.query(`SELECT count(*)::int AS n FROM ops.roman_events WHERE event_type = 'incident' AND metadata->>'incident_id' = $1`, [out.incident_id]);
      expect(ev.rows[0].n).toBe(2);
    } finally {
      await pool.end();
    }
  });
});
