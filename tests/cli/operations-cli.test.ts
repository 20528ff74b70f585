/** `roman approve` (plan + grant), `roman execute` and `roman migrate` against real Postgres, with their exit codes. */
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initDatabase } from '../../src/main/core/db/migrations';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { roman } from './run-roman';

let db: TestDatabase;
let pool: pg.Pool;
let backups: string;

beforeAll(async () => {
  process.env.ROMAN_DATA_DIR = mkdtempSync(join(tmpdir(), 'roman-cli-ops-'));
  backups = join(process.env.ROMAN_DATA_DIR, 'my-backups');
  db = await createTestDatabase('roman_cli_ops');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(pool);
  await pool.query(`create table public.orders (id bigserial primary key, customer_id int, note text);
    insert into public.orders (customer_id) select g from generate_series(1, 500) g;
    create index orders_note_idx on public.orders (note);`);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('roman approve → roman execute', { timeout: 240_000 }, () => {
  it('approves with a plan and a grant, executes once (exit 0), then refuses the used grant (exit 2)', () => {
    const a = roman(['approve', 'vacuum analyze public.orders', '--db', db.url, '--environment', 'staging', '--json']);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    const out = JSON.parse(a.stdout);
    expect(out.verdict).toBe('approve');
    expect(out.plan.steps).toEqual([expect.objectContaining({ kind: 'vacuum', sql: 'VACUUM (ANALYZE) "public"."orders"' })]);
    expect(out.grant.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(out.grant.expires_at) - Date.now()).toBeLessThanOrEqual(600_000);

    const e = roman(['execute', out.grant.id, '--db', db.url, '--json']);
    expect(e.status).toBe(0);
    expect(e.stderr).toMatch(/\[1\/1\] VACUUM \(ANALYZE\) public\.orders/);
    expect(JSON.parse(e.stdout)).toMatchObject({ status: 'succeeded', decision_id: out.decision_id });

    const again = roman(['execute', out.grant.id, '--db', db.url]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/grant_used/);
  });

  it('exits 2 for an unknown grant and for a malformed one', () => {
    expect(roman(['execute', randomUUID(), '--db', db.url]).status).toBe(2);
    expect(roman(['execute', 'nonsense', '--db', db.url]).status).toBe(2);
  });

  it('gives no grant to a rejected or verdict-only request', () => {
    const rejected = JSON.parse(roman(['approve', 'delete production database', '--db', db.url, '--json']).stdout);
    expect(rejected.verdict).toBe('reject');
    expect(rejected.grant).toBeUndefined();
    const deploy = JSON.parse(roman(['approve', 'deploy to staging', '--db', db.url, '--json']).stdout);
    expect(deploy.grant).toBeUndefined();
    expect(deploy.execution.reason).toMatch(/verdict-only/);
  });

  it('rejects a --ttl over one hour', () => {
    const r = roman(['approve', 'vacuum analyze', '--db', db.url, '--ttl', '3601']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--ttl/);
  });

  it('in production: exit 5 without --confirm naming the database, then a verified backup first', () => {
    const a = JSON.parse(roman(['approve', 'drop index public.orders_note_idx', '--db', db.url, '--environment', 'production', '--ttl', '900', '--json']).stdout);
    expect(a.plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['backup', 'verify_backup', 'drop_index']);
    const noConfirm = roman(['execute', a.grant.id, '--db', db.url]);
    expect(noConfirm.status).toBe(5);
    expect(noConfirm.stderr).toContain(db.name);
    const ok = roman(['execute', a.grant.id, '--db', db.url, '--confirm', db.name, '--backup-dir', backups, '--json']);
    expect(ok.status).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result.backup.file.startsWith(backups)).toBe(true);
    expect(existsSync(result.backup.file)).toBe(true);
    expect(result.backup.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('roman migrate', { timeout: 240_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'roman-cli-migrations-'));
    mkdirSync(join(dir, 'supabase', 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'supabase', 'migrations', '20240101000000_projects.sql'), '-- migrate:up\ncreate table public.projects (id int);\n-- migrate:down\ndrop table public.projects;\n');
    writeFileSync(join(dir, 'supabase', 'migrations', '20240102000000_tasks.sql'), 'create table public.tasks (id int);\n');
  });

  it('status --json lists the files as pending; dry-run changes nothing', () => {
    const s = roman(['migrate', 'status', '--db', db.url, '--dir', dir, '--json']);
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout).migrations).toEqual([
      expect.objectContaining({ version: '20240101000000', name: 'projects', status: 'pending' }),
      expect.objectContaining({ version: '20240102000000', name: 'tasks', status: 'pending' }),
    ]);
    const d = roman(['migrate', 'dry-run', '--db', db.url, '--dir', dir]);
    expect(d.status).toBe(0);
    expect(d.stdout).toContain('Nothing was changed.');
  });

  it('apply: exit 5 without confirmation, --yes refused in production, applies with --yes in staging and records the execution', async () => {
    expect(roman(['migrate', 'apply', '--db', db.url, '--dir', dir, '--environment', 'staging']).status).toBe(5);
    const prodYes = roman(['migrate', 'apply', '--db', db.url, '--dir', dir, '--yes']);
    expect(prodYes.status).toBe(5);
    expect(prodYes.stderr).toMatch(/--yes is not accepted in production/);
    expect(roman(['migrate', 'apply', '--db', db.url, '--dir', dir, '--environment', 'production']).status).toBe(5);
    const r = roman(['migrate', 'apply', '--db', db.url, '--dir', dir, '--environment', 'staging', '--yes', '--to', '20240101000000']);
    expect(r.stderr).toMatch(/Apply 20240101000000_projects/);
    expect(r.status).toBe(0);
    const s = JSON.parse(roman(['migrate', 'status', '--db', db.url, '--dir', dir, '--json']).stdout);
    expect(s.migrations.map((m: { status: string }) => m.status)).toEqual(['applied', 'pending']);
    const ev = await pool.query(`select metadata from ops.roman_events where event_type = 'execution' and metadata->>'action_kind' = 'migration'`);
    expect(ev.rows[0].metadata.outcome).toBe('succeeded');
  });

  it('apply in production with --confirm takes a backup first; rollback of a file without down section says to restore it', () => {
    const r = roman(['migrate', 'apply', '--db', db.url, '--dir', dir, '--confirm', db.name, '--backup-dir', backups, '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.plan.steps[0].kind).toBe('backup');
    expect(existsSync(out.result.backup.file)).toBe(true);
    const rb = roman(['migrate', 'rollback', '--db', db.url, '--dir', dir, '--environment', 'staging', '--yes', '--last']);
    expect(rb.status).toBe(1);
    expect(rb.stderr).toMatch(/no "-- migrate:down" section/);
    expect(rb.stderr).toContain(out.result.backup.file);
  });

  it('rollback --to runs the down sections and removes the history rows', async () => {
    await pool.query(`delete from supabase_migrations.schema_migrations where version = '20240102000000'; drop table public.tasks;`);
    const rb = roman(['migrate', 'rollback', '--db', db.url, '--dir', dir, '--environment', 'staging', '--yes', '--to', '0']);
    expect(rb.status).toBe(0);
    expect((await pool.query(`select to_regclass('public.projects') as t`)).rows[0].t).toBeNull();
    const s = JSON.parse(roman(['migrate', 'status', '--db', db.url, '--dir', dir, '--json']).stdout);
    expect(s.migrations.map((m: { status: string }) => m.status)).toEqual(['pending', 'pending']);
  });
});
