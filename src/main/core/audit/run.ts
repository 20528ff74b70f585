/**
 * Runs the audit lints and reads the schema inventory. `runLints` works on a client that is already
 * inside a transaction (the audit's own READ ONLY one, or a test's rolled-back one): each lint runs
 * under a savepoint, so one that fails (privilege, timeout) is reported as unavailable and the rest
 * still run. Supabase-only lints run only when Supabase's schemas and roles exist.
 */
import type pg from 'pg';
import type { AuditFinding, DatabaseInventory } from '../../../shared/audit';
import { SUPABASE_SQL, audited, type Lint } from './lint';
import { ALL_LINTS } from './lints';

export interface LintRun {
  findings: AuditFinding[];
  unavailable: { name: string; reason: string }[];
  supabase: boolean;
}

interface LintRow {
  detail: string;
  remediation: string;
  metadata: Record<string, unknown> | null;
  cache_key: string;
}

export async function isSupabase(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query<{ supabase: boolean }>(SUPABASE_SQL);
  return r.rows[0].supabase;
}

export async function runLint(client: pg.ClientBase, lint: Lint): Promise<AuditFinding[]> {
  const r = await client.query<LintRow>(lint.sql);
  return r.rows.map((row) => ({
    name: lint.name,
    title: lint.title,
    level: lint.level,
    facing: lint.facing,
    categories: [...lint.categories],
    description: lint.description,
    detail: row.detail,
    remediation: row.remediation,
    metadata: row.metadata ?? {},
    cache_key: row.cache_key,
  }));
}

export async function runLints(client: pg.ClientBase, opts: { lints?: readonly Lint[] } = {}): Promise<LintRun> {
  const supabase = await isSupabase(client);
  const findings: AuditFinding[] = [];
  const unavailable: LintRun['unavailable'] = [];
  for (const lint of opts.lints ?? ALL_LINTS) {
    if (lint.supabaseOnly && !supabase) continue;
    await client.query('SAVEPOINT roman_lint');
    try {
      findings.push(...(await runLint(client, lint)));
      await client.query('RELEASE SAVEPOINT roman_lint');
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT roman_lint');
      const e = err as { code?: string; message?: string };
      const message = (e.message ?? String(err)).split('\n')[0].slice(0, 300);
      unavailable.push({ name: lint.name, reason: e.code === '57014' ? 'timed out (statement_timeout)' : e.code === '42501' ? `insufficient privilege: ${message}` : message });
    }
  }
  findings.sort((a, b) => rank(b.level) - rank(a.level) || a.name.localeCompare(b.name) || a.cache_key.localeCompare(b.cache_key));
  return { findings, unavailable, supabase };
}

const rank = (l: AuditFinding['level']) => (l === 'ERROR' ? 3 : l === 'WARN' ? 2 : 1);

export async function readInventory(client: pg.ClientBase, supabase: boolean): Promise<DatabaseInventory> {
  const r = await client.query<{ schema: string; tables: string; views: string; matviews: string; indexes: string; policies: string; rls: string }>(
    `SELECT n.nspname AS schema,
            count(*) FILTER (WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition) AS tables,
            count(*) FILTER (WHERE c.relkind = 'v') AS views,
            count(*) FILTER (WHERE c.relkind = 'm') AS matviews,
            count(*) FILTER (WHERE c.relkind IN ('i', 'I')) AS indexes,
            (SELECT count(*) FROM pg_policy p JOIN pg_class t ON t.oid = p.polrelid WHERE t.relnamespace = n.oid) AS policies,
            count(*) FILTER (WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity) AS rls
       FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid
      WHERE ${audited('n.nspname')}
      GROUP BY n.oid, n.nspname
     HAVING count(c.oid) > 0
      ORDER BY n.nspname`,
  );
  const sum = (k: keyof (typeof r.rows)[number]) => r.rows.reduce((a, row) => a + Number(row[k]), 0);
  return {
    tables: sum('tables'),
    views: sum('views'),
    materializedViews: sum('matviews'),
    indexes: sum('indexes'),
    rlsPolicies: sum('policies'),
    rlsEnabledTables: sum('rls'),
    schemas: r.rows.map((row) => ({ schema: row.schema, tables: Number(row.tables), views: Number(row.views), indexes: Number(row.indexes) })),
    supabase,
  };
}
