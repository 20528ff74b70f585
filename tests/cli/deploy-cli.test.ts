/** `roman deploy record | watch | check` as a CI pipeline runs them, against real Postgres. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roman } from './run-roman';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { initDatabase } from '../../src/main/core/db/migrations';
import { recordDeployment } from '../../src/main/core/deployments/markers';
import { plantTraffic } from '../integration/deployments/helpers';

let tdb: TestDatabase;
let pool: pg.Pool;
const dir = mkdtempSync(join(tmpdir(), 'roman-deploy-cli-'));
const CALM = { perMinute: 40, errorShare: 0.005, failShare: 0.004, latencyMs: 150 };

beforeAll(async () => {
  tdb = await createTestDatabase('roman_deploy_cli');
  pool = new pg.Pool({ connectionString: tdb.url, max: 3 });
  await initDatabase(pool);
});
afterAll(async () => {
  await pool?.end();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A deployment 15 minutes ago, so that its 10-minute watch window is complete. */
async function pastDeployment(version: string): Promise<Date> {
  const t0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 15 * 60_000);
  await recordDeployment(pool, { version, environment: 'production', deployedBy: 'pipeline', at: t0 });
  return t0;
}

describe('roman deploy', { timeout: 120_000 }, () => {
  it('record writes the marker once per correlation id and prints it', async () => {
    const r = roman(['deploy', 'record', '--db', tdb.url, '--version', '2.18.3', '--environment', 'production', '--correlation-id', 'deploy_20261128_abc', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { deployment: { version: string; environment: string; correlationId: string }; recorded: boolean };
    expect(out).toMatchObject({ recorded: true, deployment: { version: '2.18.3', environment: 'production', correlationId: 'deploy_20261128_abc' } });
    const again = roman(['deploy', 'record', '--db', tdb.url, '--version', '2.18.3', '--environment', 'production', '--correlation-id', 'deploy_20261128_abc']);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/Already recorded/);
    const rows = await pool.query(`SELECT metadata FROM ops.roman_events WHERE event_type = 'deployment' AND metadata->>'version' = '2.18.3'`);
    expect(rows.rowCount).toBe(1);
  });

  it('watch: a clean deployment exits 0, one line per minute', async () => {
    const t0 = await pastDeployment('3.0.0');
    await plantTraffic(pool, t0, -10, 10, CALM);
    const r = roman(['deploy', 'watch', '--db', tdb.url, '--version', '3.0.0', '--for', '10m']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^minute \d+\/10/.test(l))).toHaveLength(10);
    expect(r.stdout).toMatch(/^HEALTHY/m);
    await pool.query('TRUNCATE public.system_logs');
  });

  it('watch: errors planted after the marker exit 1 and name the measure, before vs after', async () => {
    const t0 = await pastDeployment('3.0.1');
    await plantTraffic(pool, t0, -10, 0, CALM);
    await plantTraffic(pool, t0, 0, 10, { ...CALM, errorShare: 0.1 });
    const r = roman(['deploy', 'watch', '--db', tdb.url, '--version', '3.0.1', '--json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { outcome: string; measures: { name: string; status: string; before: number; after: number }[] };
    expect(report.outcome).toBe('regression');
    const m = report.measures.find((x) => x.name === 'error_rate')!;
    expect(m.status).toBe('regression');
    expect(m.after).toBeGreaterThan(m.before);
    await pool.query('TRUNCATE public.system_logs');
  });

  it('watch: a quiet database exits 2 (no data), an unknown version exits 2', async () => {
    await pastDeployment('3.0.2');
    const quiet = roman(['deploy', 'watch', '--db', tdb.url, '--version', '3.0.2']);
    expect(quiet.status).toBe(2);
    expect(quiet.stdout).toMatch(/NO DATA/);
    const unknown = roman(['deploy', 'watch', '--db', tdb.url, '--version', '9.9.9']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no deployment of 9\.9\.9/);
  });

  it('bad input is refused before anything is written', async () => {
    expect(roman(['deploy', 'watch', '--db', tdb.url, '--version', '1', '--for', 'soon']).status).toBe(2);
    expect(roman(['deploy', 'record', '--db', tdb.url, '--version', '1.0', '--environment', 'PROD; drop']).status).toBe(2);
    expect(roman(['deploy', 'check', '--db', tdb.url, '--environment', 'staging', '--assert', 'tests-passed-probably']).status).toBe(2);
    expect(roman(['deploy', '--help']).status).toBe(0);
    const n = await pool.query(`SELECT count(*)::int AS n FROM ops.roman_events WHERE metadata->>'version' = '1.0'`);
    expect(n.rows[0].n).toBe(0);
  });

  it('check: a pending destructive migration without a down section fails the rollback plan and the backup; assertions are recorded with their author', async () => {
    const mig = join(dir, 'migrations');
    mkdirSync(mig, { recursive: true });
    writeFileSync(join(mig, '20261101000000_add_notes.sql'), '-- migrate:up\nCREATE TABLE public.notes (id int primary key);\n-- migrate:down\nDROP TABLE public.notes;\n');
    writeFileSync(join(mig, '20261102000000_drop_legacy.sql'), 'DROP TABLE IF EXISTS public.legacy_orders;\nALTER TABLE public.notes ADD COLUMN body text;\n');
    const r = roman(['deploy', 'check', '--db', tdb.url, '--environment', 'production', '--dir', mig, '--assert', 'tests-passed', '--assert', 'lint-clean,typecheck-passed', '--json'], undefined);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { passed: boolean; items: { id: string; status: string; detail: string; assertedBy?: string }[] };
    const by = Object.fromEntries(report.items.map((i) => [i.id, i]));
    expect(report.passed).toBe(false);
    expect(by.migrations!.status).toBe('passed'); // both apply cleanly in the rolled-back dry run
    expect(by.rollback_plan!.status).toBe('failed');
    expect(by.rollback_plan!.detail).toContain('20261102000000_drop_legacy.sql');
    expect(by.backup!.status).toBe('failed');
    expect(by.tests!).toMatchObject({ status: 'passed' });
    expect(by.tests!.assertedBy).toBeTruthy();
    expect(by.lint!.status).toBe('passed');
    expect(by.on_call!.status).toBe('cannot_check');
    expect(['passed', 'failed']).toContain(by.constitutional_validation!.status);
    // the dry run left nothing behind
    const notes = await pool.query(`SELECT to_regclass('public.notes') IS NULL AS gone`);
    expect(notes.rows[0].gone).toBe(true);
    const stored = await pool.query(`SELECT metadata FROM ops.roman_events WHERE event_type = 'deployment_check' ORDER BY id DESC LIMIT 1`);
    expect(stored.rows[0].metadata.items.find((i: { id: string }) => i.id === 'tests').assertedBy).toBe(by.tests!.assertedBy);
  });

  it('check: a migration that fails its dry run fails "migrations" and changes nothing', async () => {
    const mig = join(dir, 'broken');
    mkdirSync(mig, { recursive: true });
    writeFileSync(join(mig, '20261103000000_bad.sql'), '-- migrate:up\nCREATE TABLE public.partial (id int);\nALTER TABLE public.missing ADD COLUMN x int;\n-- migrate:down\nDROP TABLE public.partial;\n');
    const r = roman(['deploy', 'check', '--db', tdb.url, '--environment', 'staging', '--dir', mig, '--json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { items: { id: string; status: string; detail: string }[] };
    const m = report.items.find((i) => i.id === 'migrations')!;
    expect(m.status).toBe('failed');
    expect(m.detail).toContain('20261103000000');
    const partial = await pool.query(`SELECT to_regclass('public.partial') IS NULL AS gone`);
    expect(partial.rows[0].gone).toBe(true);
  });
});
