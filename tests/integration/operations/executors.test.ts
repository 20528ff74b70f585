/** Every executor against real Postgres, through the gate. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedGrant, approve, events, opsDatabase, run, type OpsDb } from './setup';

let o: OpsDb;

beforeAll(async () => {
  o = await opsDatabase('roman_ops_exec');
  await o.pool.query(`
    create table public.orders (id bigserial primary key, customer_id int, email text, note text);
    create table public.profiles (id bigserial primary key, name text);
    create table public.audit_only (id bigserial primary key);
    insert into public.orders (customer_id, email) select g % 50, 'u' || (g % 10) || '@x.test' from generate_series(1, 3000) g;
    do $$ begin if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if; end $$;
    do $$ begin if not exists (select 1 from pg_roles where rolname = 'roman_test_anon') then create role roman_test_anon nologin; end if; end $$;
    grant select, insert, update, delete on public.orders to authenticated;
    grant insert on public.profiles to authenticated with grant option;
    grant select on public.audit_only to authenticated;
    grant insert on public.orders to roman_test_anon;
  `);
});

afterAll(async () => {
  await o?.close();
});

async function privileges(table: string, role: string): Promise<string[]> {
  const r = await o.pool.query<{ p: string }>(
    `select a.privilege_type || case when a.is_grantable then '*' else '' end as p
       from pg_class c cross join lateral aclexplode(c.relacl) a join pg_roles g on g.oid = a.grantee
      where c.oid = $1::regclass and g.rolname = $2 order by 1`,
    [table, role],
  );
  return r.rows.map((x) => x.p);
}

describe('backup', () => {
  it('dumps with pg_dump -Fc, verifies with pg_restore --list and records file, size and sha256', async () => {
    const { plan, grant } = await approvedGrant(o, 'backup database');
    expect(plan.steps.map((s) => s.kind)).toEqual(['backup', 'verify_backup']);
    const r = await run(o, grant.id);
    expect(r.status).toBe('succeeded');
    if (r.status !== 'succeeded') return;
    const b = r.backup!;
    expect(existsSync(b.file)).toBe(true);
    expect(statSync(b.file).size).toBe(b.bytes);
    expect(createHash('sha256').update(readFileSync(b.file)).digest('hex')).toBe(b.sha256);
    const list = spawnSync('pg_restore', ['--list', b.file], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('TABLE public orders');
    const ev = (await events(o, 'execution')).find((e) => e.metadata.grant_id === grant.id)!;
    expect(ev.metadata).toMatchObject({ backup_file: b.file, backup_sha256: b.sha256, outcome: 'succeeded' });
  });

  it('refuses with no_backup when pg_dump cannot be found, and nothing runs', async () => {
    await o.pool.query('create index orders_note_idx on public.orders (note)');
    const { plan, grant } = await approvedGrant(o, 'drop index public.orders_note_idx', { environment: 'production' });
    expect(plan.backup_first).toBe(true);
    expect(plan.steps[0].kind).toBe('backup');
    const r = await run(o, grant.id, { confirm: o.db.name, pgDumpPath: '/nonexistent/bin/pg_dump' });
    expect(r).toMatchObject({ status: 'refused', code: 'no_backup' });
    expect(r.status === 'refused' && r.message).toMatch(/pg_dump/);
    expect((await o.pool.query(`select to_regclass('public.orders_note_idx') as i`)).rows[0].i).not.toBeNull();
    // Not consumed: once pg_dump is found the same grant runs, backup first.
    const ok = await run(o, grant.id, { confirm: o.db.name });
    expect(ok.status).toBe('succeeded');
    if (ok.status !== 'succeeded') return;
    expect(ok.steps.map((s) => s.kind)).toEqual(['backup', 'verify_backup', 'drop_index']);
    expect(spawnSync('pg_restore', ['--list', ok.backup!.file]).status).toBe(0);
    expect((await o.pool.query(`select to_regclass('public.orders_note_idx') as i`)).rows[0].i).toBeNull();
  });
});

describe('freeze and restore writes', () => {
  it('revokes exactly the write privileges held, records them, and restores exactly those', async () => {
    const before = { orders: await privileges('public.orders', 'authenticated'), profiles: await privileges('public.profiles', 'authenticated'), audit: await privileges('public.audit_only', 'authenticated') };
    const anonBefore = await privileges('public.orders', 'roman_test_anon');
    const freeze = await approvedGrant(o, 'freeze writes');
    expect(freeze.plan.steps[0].sql).toContain('REVOKE INSERT, UPDATE, DELETE ON "public"."orders" FROM "authenticated"');
    const r = await run(o, freeze.grant.id);
    expect(r.status).toBe('succeeded');
    expect(await privileges('public.orders', 'authenticated')).toEqual(['SELECT']);
    expect(await privileges('public.profiles', 'authenticated')).toEqual([]);
    expect(await privileges('public.orders', 'roman_test_anon')).toEqual(anonBefore);
    const rec = await o.pool.query(`select privileges from ops.roman_write_freezes where restored_at is null`);
    expect(rec.rows[0].privileges).toHaveLength(4);

    const restore = await approvedGrant(o, 'restore writes');
    expect(restore.plan.steps[0].sql).not.toMatch(/ALL TABLES/);
    expect((await run(o, restore.grant.id)).status).toBe('succeeded');
    expect(await privileges('public.orders', 'authenticated')).toEqual(before.orders);
    expect(await privileges('public.profiles', 'authenticated')).toEqual(before.profiles);
    expect(await privileges('public.audit_only', 'authenticated')).toEqual(before.audit);
    // audit_only never had INSERT: the restore did not grant it (the manual's blanket GRANT would have).
    expect(before.audit).toEqual(['SELECT']);
  });

  it('refuses to restore what it did not freeze', async () => {
    const { prepared } = await approve(o, 'restore writes').catch((e: Error) => ({ prepared: { executable: false, reason: e.message } }));
    expect(prepared.executable).toBe(false);
  });
});

describe('backends', () => {
  it('shows the query of a backend, then cancels it', async () => {
    const victim = new pg.Client({ connectionString: o.db.url });
    await victim.connect();
    try {
      const pid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid as number;
      const running = victim.query('select pg_sleep(30) as roman_victim').then(
        () => 'finished',
        (e: Error & { code?: string }) => e.code,
      );
      await new Promise((r) => setTimeout(r, 300));
      const { plan, grant } = await approvedGrant(o, `cancel query ${pid}`);
      expect(plan.steps[0].title).toContain('pg_sleep(30)');
      expect(plan.steps[0].sql).toBe(`select pg_cancel_backend(${pid})`);
      const r = await run(o, grant.id);
      expect(r.status).toBe('succeeded');
      expect(await running).toBe('57014');
    } finally {
      await victim.end();
    }
  });

  it('terminates a backend session', async () => {
    const victim = new pg.Client({ connectionString: o.db.url });
    await victim.connect();
    victim.on('error', () => undefined);
    const pid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    const { plan, grant } = await approvedGrant(o, `terminate backend ${pid}`);
    expect(plan.steps[0].kind).toBe('terminate_backend');
    expect((await run(o, grant.id)).status).toBe('succeeded');
    await new Promise((r) => setTimeout(r, 200));
    const alive = await o.pool.query('select 1 from pg_stat_activity where pid = $1', [pid]);
    expect(alive.rowCount).toBe(0);
    await victim.end().catch(() => undefined);
  });
});

describe('indexes', () => {
  it('creates an index concurrently', async () => {
    const { plan, grant } = await approvedGrant(o, 'create index on public.orders (customer_id)');
    expect(plan.steps[0].sql).toBe('CREATE INDEX CONCURRENTLY "orders_customer_id_idx" ON "public"."orders" ("customer_id")');
    expect((await run(o, grant.id)).status).toBe('succeeded');
    const ix = await o.pool.query(`select i.indisvalid from pg_index i where i.indexrelid = 'public.orders_customer_id_idx'::regclass`);
    expect(ix.rows[0].indisvalid).toBe(true);
  });

  it('drops the INVALID index a failed concurrent build leaves behind', async () => {
    const { grant } = await approvedGrant(o, 'create index on public.orders (email)');
    // An open writing transaction: the concurrent build registers its (invalid) index, then waits
    // for that writer and hits lock_timeout.
    const writer = await o.pool.connect();
    try {
      await writer.query('begin');
      await writer.query(`insert into public.orders (customer_id) values (1)`);
      setTimeout(() => void writer.query('rollback').catch(() => undefined), 1500);
      const r = await run(o, grant.id, { lockTimeoutMs: 500 });
      expect(r.status).toBe('failed');
      if (r.status !== 'failed') return;
      expect(r.error).toMatch(/lock timeout/);
      expect(r.details.invalid_index_dropped).toBe('public.orders_email_idx');
    } finally {
      await writer.query('rollback').catch(() => undefined);
      writer.release();
    }
    const left = await o.pool.query(`select 1 from pg_class where relname = 'orders_email_idx'`);
    expect(left.rowCount).toBe(0);
  });

  it('drops a duplicate index and refuses the index of a constraint', async () => {
    await o.pool.query('create index orders_customer_dup on public.orders (customer_id)');
    const dup = await approvedGrant(o, 'drop index public.orders_customer_dup');
    expect(dup.plan.steps[0].title).toMatch(/duplicates/);
    expect((await run(o, dup.grant.id)).status).toBe('succeeded');
    expect((await o.pool.query(`select to_regclass('public.orders_customer_dup') as i`)).rows[0].i).toBeNull();

    await expect(approve(o, 'drop index public.orders_pkey')).rejects.toThrow(/constraint/);
  });

  it('refuses to drop an index that queries use', async () => {
    await o.pool.query('create index orders_email_customer_idx on public.orders (email, customer_id)');
    const c = await o.pool.connect();
    try {
      await c.query('set enable_seqscan = off');
      await c.query(`select * from public.orders where email = 'u1@x.test' and customer_id = 1`);
      await c.query('reset enable_seqscan');
      await c.query('select pg_stat_force_next_flush()');
    } finally {
      c.release();
    }
    await new Promise((r) => setTimeout(r, 300));
    await expect(approve(o, 'drop index public.orders_email_customer_idx')).rejects.toThrow(/is used/);
  });
});

describe('block and unblock an IP', () => {
  it('records the block, the helper function answers, and unblocking lifts it', async () => {
    const block = await approvedGrant(o, 'block ip 203.0.113.7');
    expect(block.plan.notes.join(' ')).toMatch(/ops\.is_ip_blocked/);
    expect((await run(o, block.grant.id)).status).toBe('succeeded');
    const q = async (ip: string) => (await o.pool.query('select ops.is_ip_blocked($1::inet) as b', [ip])).rows[0].b as boolean;
    expect(await q('203.0.113.7')).toBe(true);
    expect(await q('203.0.113.8')).toBe(false);
    await expect(approve(o, 'block ip 203.0.113.7')).rejects.toThrow(/already blocked/);
    const unblock = await approvedGrant(o, 'unblock ip 203.0.113.7');
    expect((await run(o, unblock.grant.id)).status).toBe('succeeded');
    expect(await q('203.0.113.7')).toBe(false);
  });
});
