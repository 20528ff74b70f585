/**
 * Freeze writes / restore writes (the manual's Data Loss Risk protocol), done exactly: freezing
 * revokes the INSERT, UPDATE and DELETE privileges the roles (default `authenticated`) hold directly
 * on each table of the schema and records each one (table, role, privilege, grant option) in
 * ops.roman_write_freezes; restoring grants back exactly those — never the manual's blanket
 * `GRANT … ON ALL TABLES`, which would grant what was never granted. Both run in one transaction
 * and verify the result before committing.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DomainError } from '../../../../shared/result';
import type { Executor } from '../types';
import { quoteIdent } from './sql';

export interface WritePrivilege {
  table: string;
  schema: string;
  role: string;
  privilege: 'INSERT' | 'UPDATE' | 'DELETE';
  grantable: boolean;
}

const WRITE_PRIVS = ['INSERT', 'UPDATE', 'DELETE'];

export async function writePrivileges(c: pg.ClientBase | pg.Pool, schema: string, roles: string[]): Promise<WritePrivilege[]> {
  const r = await c.query<WritePrivilege>(
    `select c.relname::text as table, n.nspname::text as schema, g.rolname::text as role, a.privilege_type as privilege, bool_or(a.is_grantable) as grantable
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       cross join lateral aclexplode(c.relacl) a
       join pg_roles g on g.oid = a.grantee
      where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f') and g.rolname = any ($2::text[]) and a.privilege_type = any ($3::text[])
      group by 1, 2, 3, 4 order by 1, 3, array_position($3::text[], a.privilege_type)`,
    [schema, roles, WRITE_PRIVS],
  );
  return r.rows;
}

function target(p: Pick<WritePrivilege, 'schema' | 'table'>): string {
  return `${quoteIdent(p.schema)}.${quoteIdent(p.table)}`;
}

function grouped(privs: WritePrivilege[], grantable?: boolean): Map<string, WritePrivilege[]> {
  const m = new Map<string, WritePrivilege[]>();
  for (const p of privs) {
    if (grantable !== undefined && p.grantable !== grantable) continue;
    const k = `${p.schema}\u0000${p.table}\u0000${p.role}`;
    m.set(k, [...(m.get(k) ?? []), p]);
  }
  return m;
}

export function revokeSql(privs: WritePrivilege[]): string[] {
  return [...grouped(privs).values()].map((ps) => `REVOKE ${ps.map((p) => p.privilege).join(', ')} ON ${target(ps[0])} FROM ${quoteIdent(ps[0].role)}`);
}

export function grantSql(privs: WritePrivilege[]): string[] {
  const plain = [...grouped(privs, false).values()].map((ps) => `GRANT ${ps.map((p) => p.privilege).join(', ')} ON ${target(ps[0])} TO ${quoteIdent(ps[0].role)}`);
  const withOption = [...grouped(privs, true).values()].map(
    (ps) => `GRANT ${ps.map((p) => p.privilege).join(', ')} ON ${target(ps[0])} TO ${quoteIdent(ps[0].role)} WITH GRANT OPTION`,
  );
  return [...plain, ...withOption];
}

async function checkSchemaAndRoles(c: pg.ClientBase | pg.Pool, schema: string, roles: string[]): Promise<void> {
  const s = await c.query('select 1 from pg_namespace where nspname = $1', [schema]);
  if (!s.rowCount) throw new DomainError('invalid_input', `schema ${schema} does not exist`);
  const r = await c.query<{ rolname: string }>('select rolname::text from pg_roles where rolname = any ($1::text[])', [roles]);
  const missing = roles.filter((role) => !r.rows.some((x) => x.rolname === role));
  if (missing.length) throw new DomainError('invalid_input', `role${missing.length > 1 ? 's' : ''} ${missing.join(', ')} does not exist (configure the roles whose writes are frozen)`);
}

interface FreezeRow {
  id: string;
  schema_name: string;
  roles: string[];
  privileges: WritePrivilege[];
  frozen_at: string;
  frozen_by: string;
}

async function activeFreeze(c: pg.ClientBase | pg.Pool, schema: string): Promise<FreezeRow | null> {
  const r = await c.query<FreezeRow>(
    `select id::text, schema_name, roles, privileges, frozen_at::text, frozen_by from ops.roman_write_freezes where schema_name = $1 and restored_at is null`,
    [schema],
  );
  return r.rows[0] ?? null;
}

export const freezeWritesExecutor: Executor = {
  kind: 'freeze_writes',
  destructive: false,
  lockTarget: (p) => `writes:${String(p.schema)}`,
  async plan(c, params) {
    const schema = String(params.schema);
    const roles = params.roles as string[];
    await checkSchemaAndRoles(c, schema, roles);
    const active = await activeFreeze(c, schema);
    if (active) throw new DomainError('invalid_input', `writes in schema ${schema} are already frozen (since ${active.frozen_at}, by ${active.frozen_by}); restore them first`);
    const privs = await writePrivileges(c, schema, roles);
    if (privs.length === 0) {
      throw new DomainError('invalid_input', `${roles.join(', ')} holds no INSERT, UPDATE or DELETE privilege on the tables of ${schema}: nothing to freeze`);
    }
    const publicWrites = await c.query(
      `select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace cross join lateral aclexplode(c.relacl) a
        where n.nspname = $1 and a.grantee = 0 and a.privilege_type = any ($2::text[]) limit 1`,
      [schema, WRITE_PRIVS],
    );
    const tables = new Set(privs.map((p) => p.table)).size;
    return {
      steps: [
        {
          kind: 'freeze_writes',
          title: `Revoke ${privs.length} write privilege${privs.length === 1 ? '' : 's'} of ${roles.join(', ')} on ${tables} table${tables === 1 ? '' : 's'} of ${schema}, and record them`,
          sql: revokeSql(privs).join(';\n') + ';',
          destructive: false,
        },
      ],
      notes: [
        'Only the privileges the roles hold directly are revoked, and each one is recorded: restore writes gives back exactly these.',
        ...(publicWrites.rowCount ? [`Warning: PUBLIC holds write privileges on some tables of ${schema}; the freeze does not revoke them.`] : []),
        'Tables created after the freeze are not frozen (default privileges are unchanged).',
      ],
    };
  },
  async run(ctx) {
    const schema = String(ctx.params.schema);
    const roles = ctx.params.roles as string[];
    const step = ctx.plan.steps[ctx.plan.steps.length - 1];
    await ctx.step('freeze_writes', step.title, async () => {
      const c = ctx.client;
      await c.query('begin');
      try {
        if (await activeFreeze(c, schema)) throw new Error(`writes in schema ${schema} are already frozen`);
        const privs = await writePrivileges(c, schema, roles);
        if (privs.length === 0) throw new Error(`${roles.join(', ')} holds no write privilege on ${schema} any more: nothing to freeze`);
        for (const sql of revokeSql(privs)) await c.query(sql);
        const left = await writePrivileges(c, schema, roles);
        if (left.length) throw new Error(`${left.length} privilege(s) could not be revoked (granted by another role): ${left.map((p) => `${p.privilege} on ${p.table} to ${p.role}`).join(', ')}`);
        await c.query(
          `insert into ops.roman_write_freezes (id, schema_name, roles, privileges, frozen_by, frozen_grant) values ($1, $2, $3, $4::jsonb, $5, $6)`,
          [randomUUID(), schema, roles, JSON.stringify(privs), ctx.requestedBy, ctx.grantId],
        );
        await c.query('commit');
        ctx.details.revoked = privs;
        return privs.length;
      } catch (err) {
        await c.query('rollback').catch(() => undefined);
        throw err;
      }
    }, (n) => `${n} privilege(s) revoked and recorded`);
  },
};

export const restoreWritesExecutor: Executor = {
  kind: 'restore_writes',
  destructive: false,
  lockTarget: (p) => `writes:${String(p.schema)}`,
  async plan(c, params) {
    const schema = String(params.schema);
    const active = await activeFreeze(c, schema);
    if (!active) {
      throw new DomainError('invalid_input', `writes in schema ${schema} are not frozen by R.O.M.A.N.: nothing to restore (R.O.M.A.N. never grants what it did not revoke)`);
    }
    const existing = await c.query<{ t: string }>(`select relname::text as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1`, [schema]);
    const have = new Set(existing.rows.map((r) => r.t));
    const privs = active.privileges.filter((p) => have.has(p.table));
    const gone = [...new Set(active.privileges.filter((p) => !have.has(p.table)).map((p) => p.table))];
    return {
      steps: [
        {
          kind: 'restore_writes',
          title: `Grant back the ${privs.length} write privilege${privs.length === 1 ? '' : 's'} revoked at ${active.frozen_at} by ${active.frozen_by}`,
          sql: grantSql(privs).join(';\n') + ';',
          destructive: false,
        },
      ],
      notes: [
        'Exactly the privileges the freeze revoked are granted back (with their grant option), nothing else.',
        ...(gone.length ? [`Tables dropped since the freeze (skipped): ${gone.join(', ')}`] : []),
      ],
      params: { schema, roles: active.roles },
    };
  },
  async run(ctx) {
    const schema = String(ctx.params.schema);
    const step = ctx.plan.steps[ctx.plan.steps.length - 1];
    await ctx.step('restore_writes', step.title, async () => {
      const c = ctx.client;
      await c.query('begin');
      try {
        const r = await c.query<FreezeRow>(
          `select id::text, schema_name, roles, privileges, frozen_at::text, frozen_by from ops.roman_write_freezes
            where schema_name = $1 and restored_at is null for update`,
          [schema],
        );
        const active = r.rows[0];
        if (!active) throw new Error(`writes in schema ${schema} are not frozen any more: nothing to restore`);
        const existing = await c.query<{ t: string }>(`select relname::text as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1`, [schema]);
        const have = new Set(existing.rows.map((x) => x.t));
        const privs = active.privileges.filter((p) => have.has(p.table));
        for (const sql of grantSql(privs)) await c.query(sql);
        await c.query(`update ops.roman_write_freezes set restored_at = now(), restored_by = $2, restored_grant = $3 where id = $1`, [
          active.id,
          ctx.requestedBy,
          ctx.grantId,
        ]);
        await c.query('commit');
        ctx.details.restored = privs;
        return privs.length;
      } catch (err) {
        await c.query('rollback').catch(() => undefined);
        throw err;
      }
    }, (n) => `${n} privilege(s) granted back`);
  },
};
