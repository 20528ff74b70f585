/** SQL migrations in Supabase's layout: status, dry run, apply (partial failure), rollback, Supabase CLI history. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dryRun, migrationParams, migrationsState, pendingFiles, rollbackFiles, splitStatements } from '../../../src/main/core/operations';
import { approvedGrant, events, opsDatabase, run, type OpsDb } from './setup';

let o: OpsDb;
let dir: string;

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'roman-migrations-'));
  const d = join(root, 'supabase', 'migrations');
  mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return root;
}

const FILES = {
  '20240101000000_create_projects.sql': `-- migrate:up
create table public.projects (id bigserial primary key, name text not null);
insert into public.projects (name) values ('first; with a semicolon');
-- migrate:down
drop table public.projects;
`,
  '20240102000000_add_owner.sql': `-- migrate:up
alter table public.projects add column owner text;
create function public.project_count() returns bigint language sql as $$ select count(*) from public.projects; $$;
-- migrate:down
drop function public.project_count();
alter table public.projects drop column owner;
`,
  '20240103000000_broken.sql': `create table public.tasks (id bigserial primary key);
alter table public.nope add column x int;
`,
};

beforeEach(async () => {
  o = await opsDatabase('roman_ops_migrate');
  dir = folder(FILES);
});

afterEach(async () => {
  await o?.close();
});

async function exists(rel: string): Promise<boolean> {
  return (await o.pool.query('select to_regclass($1) as r', [rel])).rows[0].r !== null;
}

async function history(): Promise<string[]> {
  return (await o.pool.query('select version from supabase_migrations.schema_migrations order by version')).rows.map((r) => r.version as string);
}

describe('migrations', () => {
  it('splits statements like psql (quotes, dollar quotes, comments)', () => {
    expect(splitStatements(FILES['20240102000000_add_owner.sql'].split('-- migrate:down')[0])).toHaveLength(2);
    expect(splitStatements(`select ';'; -- a; comment\nselect 2;`)).toEqual([`select ';'`, `-- a; comment\nselect 2`]);
  });

  it('lists every file as pending on a database without history, and the dry run changes nothing', async () => {
    const state = await migrationsState(o.pool, dir);
    expect(state.historyExists).toBe(false);
    expect(state.migrations.map((m) => [m.version, m.status])).toEqual([
      ['20240101000000', 'pending'],
      ['20240102000000', 'pending'],
      ['20240103000000', 'pending'],
    ]);
    const c = await o.pool.connect();
    try {
      const report = await dryRun(c, pendingFiles(state));
      expect(report.ok).toBe(false);
      expect(report.ran).toEqual(['20240101000000', '20240102000000']);
      expect(report.error).toMatchObject({ version: '20240103000000', code: '42P01' });
      expect(report.error!.message).toMatch(/public\.nope/);
      expect(report.locks.some((l) => l.relation === 'projects' || l.relation === 'public.projects')).toBe(true);
    } finally {
      c.release();
    }
    expect(await exists('public.projects')).toBe(false);
  });

  it('applies each migration in its own transaction and stops at the first failure, which leaves no trace', async () => {
    const state = await migrationsState(o.pool, dir);
    const { grant, plan } = await approvedGrant(o, 'apply migration', { kind: 'migration', params: migrationParams(state.dir, pendingFiles(state)) });
    expect(plan.steps.map((s) => s.kind)).toEqual(['migration_up', 'migration_up', 'migration_up']);
    const r = await run(o, grant.id);
    expect(r.status).toBe('failed');
    expect(await history()).toEqual(['20240101000000', '20240102000000']);
    expect(await exists('public.projects')).toBe(true);
    expect(await exists('public.tasks')).toBe(false);
    const statements = (await o.pool.query(`select statements from supabase_migrations.schema_migrations where version = '20240101000000'`)).rows[0].statements;
    expect(statements).toHaveLength(2);
    const after = await migrationsState(o.pool, dir);
    expect(after.migrations.map((m) => m.status)).toEqual(['applied', 'applied', 'pending']);
    const ev = (await events(o, 'execution')).find((e) => e.metadata.grant_id === grant.id)!;
    expect(ev.metadata.outcome).toBe('failed');
  });

  it('rolls back the last migration with its down section and removes its history row', async () => {
    const state = await migrationsState(o.pool, dir);
    const two = pendingFiles(state, '20240102000000');
    const apply = await approvedGrant(o, 'apply migration', { kind: 'migration', params: migrationParams(state.dir, two) });
    expect((await run(o, apply.grant.id)).status).toBe('succeeded');
    const s1 = await migrationsState(o.pool, dir);
    const last = rollbackFiles(s1, {});
    expect(last.files.map((f) => f.version)).toEqual(['20240102000000']);
    const rb = await approvedGrant(o, 'rollback migration', { kind: 'rollback', params: migrationParams(s1.dir, last.files) });
    expect((await run(o, rb.grant.id)).status).toBe('succeeded');
    expect(await history()).toEqual(['20240101000000']);
    const cols = await o.pool.query(`select 1 from information_schema.columns where table_name = 'projects' and column_name = 'owner'`);
    expect(cols.rowCount).toBe(0);
  });

  it('reads a history written by the Supabase CLI: applied, changed and missing_file', async () => {
    await o.pool.query(`
      create schema supabase_migrations;
      create table supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text, created_by text, idempotency_key text unique);
      create table public.projects (id bigserial primary key, name text not null);
      insert into supabase_migrations.schema_migrations (version, statements, name) values
        ('20240101000000', array['create table public.projects (id bigserial primary key, name text not null)', 'insert into public.projects (name) values (''first; with a semicolon'')'], 'create_projects'),
        ('20240102000000', array['alter table public.projects add column owner_id uuid'], 'add_owner'),
        ('20231231000000', array['select 1'], 'initial');
    `);
    const state = await migrationsState(o.pool, dir);
    expect(state.migrations.map((m) => [m.version, m.status])).toEqual([
      ['20231231000000', 'missing_file'],
      ['20240101000000', 'applied'],
      ['20240102000000', 'changed'],
      ['20240103000000', 'pending'],
    ]);
    expect(rollbackFiles(state, { to: '20231231000000' }).problems.join(' ')).toBe('');
  });

  it('takes a verified backup first in production', async () => {
    const state = await migrationsState(o.pool, dir);
    const { grant, plan } = await approvedGrant(o, 'apply migration', {
      kind: 'migration',
      environment: 'production',
      params: migrationParams(state.dir, pendingFiles(state, '20240101000000')),
    });
    expect(plan.steps[0].kind).toBe('backup');
    const r = await run(o, grant.id, { confirm: o.db.name });
    expect(r.status).toBe('succeeded');
    if (r.status !== 'succeeded') return;
    expect(spawnSync('pg_restore', ['--list', r.backup!.file]).status).toBe(0);
    const ev = (await events(o, 'execution')).find((e) => e.metadata.grant_id === grant.id)!;
    expect(ev.metadata.backup_file).toBe(r.backup!.file);
  });

  it('refuses a grant whose file was edited after the approval', async () => {
    const state = await migrationsState(o.pool, dir);
    const { grant } = await approvedGrant(o, 'apply migration', { kind: 'migration', params: migrationParams(state.dir, pendingFiles(state, '20240101000000')) });
    writeFileSync(join(state.dir, '20240101000000_create_projects.sql'), 'drop table if exists public.users;');
    expect(await run(o, grant.id)).toMatchObject({ status: 'refused', code: 'not_executable' });
    expect(await exists('public.projects')).toBe(false);
  });
});
