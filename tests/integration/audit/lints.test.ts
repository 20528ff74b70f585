/**
 * Every audit lint in splinter's pattern, against real Postgres: inside a transaction that is
 * rolled back, the baseline gives 0 rows, the planted problem 1, the finding's own remediation SQL
 * (CONCURRENTLY removed: it cannot run in a transaction) brings it back to 0; plus edge cases.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { ALL_LINTS } from '../../../src/main/core/audit/lints';
import { runLints } from '../../../src/main/core/audit/run';
import type { AuditFinding } from '../../../src/shared/audit';

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase('roman_lint');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  pool.on('error', () => undefined);
  await initDatabase(pool);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function inRolledBackTx(fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await fn(c);
  } finally {
    await c.query('ROLLBACK');
    c.release();
  }
}

const lint = (name: string) => {
  const l = ALL_LINTS.find((x) => x.name === name);
  if (!l) throw new Error(`no lint ${name}`);
  return l;
};
async function findings(c: pg.ClientBase, name: string): Promise<AuditFinding[]> {
  const run = await runLints(c, { lints: [lint(name)] });
  expect(run.unavailable).toEqual([]);
  return run.findings;
}
const applyFix = (c: pg.ClientBase, f: AuditFinding) => c.query(f.remediation.replace(/ CONCURRENTLY/g, ''));

const SUPABASE = `
  CREATE SCHEMA auth; CREATE SCHEMA storage;
  DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
  END $$;
  GRANT USAGE ON SCHEMA public TO anon, authenticated;
  CREATE TABLE auth.users (id uuid PRIMARY KEY, email text, raw_user_meta_data jsonb);
  CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE SET search_path = '' AS $$ SELECT NULL::uuid $$;
  CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE SET search_path = '' AS $$ SELECT '{}'::jsonb $$;`;

interface Case {
  lint: string;
  setup?: string;
  plant: string;
  detail: RegExp;
  remediation?: RegExp;
}

const CASES: Case[] = [
  {
    lint: 'rls_disabled_in_public',
    plant: `CREATE TABLE public.accounts (id int PRIMARY KEY); GRANT SELECT ON public.accounts TO PUBLIC;`,
    detail: /^Table public\.accounts is exposed .* row level security is disabled\.$/,
    remediation: /^ALTER TABLE public\.accounts ENABLE ROW LEVEL SECURITY;/,
  },
  {
    lint: 'policy_exists_rls_disabled',
    plant: `CREATE TABLE public.notes (id int PRIMARY KEY, owner text); CREATE POLICY notes_owner ON public.notes USING (owner = current_user);`,
    detail: /^Table public\.notes has RLS policies \(notes_owner\) but row level security is disabled\.$/,
    remediation: /^ALTER TABLE public\.notes ENABLE ROW LEVEL SECURITY;$/,
  },
  {
    lint: 'sensitive_columns_exposed',
    plant: `CREATE TABLE public.members (id int PRIMARY KEY, email text, password_hash text, ssn text); GRANT SELECT ON public.members TO PUBLIC;`,
    detail: /sensitive columns: password_hash, ssn\.$/,
  },
  {
    lint: 'security_definer_view',
    plant: `CREATE TABLE public.base (id int PRIMARY KEY); CREATE VIEW public.base_view AS SELECT id FROM public.base; GRANT SELECT ON public.base_view TO PUBLIC;`,
    detail: /^View public\.base_view is exposed/,
    remediation: /^ALTER VIEW public\.base_view SET \(security_invoker = true\);$/,
  },
  {
    lint: 'rls_enabled_no_policy',
    plant: `CREATE TABLE public.vault (id int PRIMARY KEY); ALTER TABLE public.vault ENABLE ROW LEVEL SECURITY;`,
    detail: /^Table public\.vault has row level security enabled but no policy\.$/,
    remediation: /CREATE POLICY vault_deny_all ON public\.vault AS RESTRICTIVE FOR ALL USING \(false\);$/,
  },
  {
    lint: 'rls_policy_always_true',
    plant: `CREATE TABLE public.posts (id int PRIMARY KEY); ALTER TABLE public.posts ENABLE ROW LEVEL SECURITY;
            CREATE POLICY posts_update ON public.posts FOR UPDATE USING (true) WITH CHECK (true);`,
    detail: /^Policy posts_update on public\.posts \(UPDATE\) is always true: USING \(true\) and WITH CHECK \(true\)\.$/,
  },
  {
    lint: 'function_search_path_mutable',
    plant: `CREATE FUNCTION public.add_one(a int) RETURNS int LANGUAGE sql AS 'SELECT a + 1';`,
    detail: /^Function public\.add_one\(a integer\) has a role mutable search_path\.$/,
    remediation: /^ALTER FUNCTION public\.add_one\(a integer\) SET search_path = pg_catalog, public;$/,
  },
  {
    lint: 'extension_in_public',
    plant: `CREATE EXTENSION citext SCHEMA public;`,
    detail: /^Extension citext is installed in the public schema\.$/,
    remediation: /ALTER EXTENSION citext SET SCHEMA extensions;$/,
  },
  {
    lint: 'extension_versions_outdated',
    setup: `CREATE SCHEMA extensions;`,
    plant: `CREATE EXTENSION hstore VERSION '1.7' SCHEMA extensions;`,
    detail: /^Extension hstore is at version 1\.7; the server ships 1\.8\.$/,
    remediation: /^ALTER EXTENSION hstore UPDATE;$/,
  },
  {
    lint: 'materialized_view_in_api',
    plant: `CREATE MATERIALIZED VIEW public.totals AS SELECT 1 AS n; GRANT SELECT ON public.totals TO PUBLIC;`,
    detail: /^Materialized view public\.totals is selectable by PUBLIC\.$/,
    remediation: /^REVOKE ALL ON public\.totals FROM PUBLIC;$/,
  },
  {
    lint: 'foreign_table_in_api',
    plant: `CREATE FOREIGN DATA WRAPPER lint_fdw; CREATE SERVER lint_srv FOREIGN DATA WRAPPER lint_fdw;
            CREATE FOREIGN TABLE public.remote_rows (a int) SERVER lint_srv; GRANT SELECT ON public.remote_rows TO PUBLIC;`,
    detail: /^Foreign table public\.remote_rows is reachable by PUBLIC\.$/,
  },
  {
    lint: 'unsupported_reg_types',
    plant: `CREATE TABLE public.hooks (id int PRIMARY KEY, fn regproc);`,
    detail: /^Column public\.hooks\.fn has type regproc/,
    remediation: /^ALTER TABLE public\.hooks ALTER COLUMN fn TYPE text USING fn::text;$/,
  },
  {
    lint: 'unindexed_foreign_keys',
    plant: `CREATE TABLE public.parent (a int, b int, PRIMARY KEY (a, b));
            CREATE TABLE public.child (id int PRIMARY KEY, a int, b int, FOREIGN KEY (a, b) REFERENCES public.parent);`,
    detail: /^Table public\.child has foreign key child_a_b_fkey \(a, b\) without a covering index\.$/,
    remediation: /^CREATE INDEX CONCURRENTLY child_a_b_fkey_idx ON public\.child \(a, b\);$/,
  },
  {
    lint: 'created_at_without_index',
    plant: `CREATE TABLE public.documents (id int PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());`,
    detail: /^Table 'documents' missing index on created_at$/,
    remediation: /^CREATE INDEX CONCURRENTLY idx_documents_created ON public\.documents \(created_at DESC\);$/,
  },
  {
    lint: 'no_primary_key',
    plant: `CREATE TABLE public.events_raw (payload text);`,
    detail: /^Table public\.events_raw has no primary key\.$/,
    remediation: /^ALTER TABLE public\.events_raw ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;$/,
  },
  {
    lint: 'unused_index',
    plant: `CREATE TABLE public.items (id int PRIMARY KEY, sku text); CREATE INDEX items_sku ON public.items (sku);`,
    detail: /^Index items_sku on public\.items has never been used/,
    remediation: /^DROP INDEX CONCURRENTLY public\.items_sku;$/,
  },
  {
    lint: 'duplicate_index',
    plant: `CREATE TABLE public.orders (id int PRIMARY KEY, customer int, placed date);
            CREATE INDEX orders_customer ON public.orders (customer); CREATE INDEX orders_customer_placed ON public.orders (customer, placed);`,
    detail: /^Index orders_customer on public\.orders is a leading prefix of, so covered by orders_customer_placed\.$/,
    remediation: /^DROP INDEX CONCURRENTLY public\.orders_customer;$/,
  },
  {
    lint: 'auth_users_exposed',
    setup: SUPABASE,
    plant: `CREATE VIEW public.profiles AS SELECT id, email FROM auth.users; GRANT SELECT ON public.profiles TO anon;`,
    detail: /^View public\.profiles selects from auth\.users and is reachable by anon\.$/,
    remediation: /^REVOKE ALL ON public\.profiles FROM anon;$/,
  },
  {
    lint: 'auth_rls_initplan',
    setup: SUPABASE,
    plant: `CREATE TABLE public.todos (id int PRIMARY KEY, user_id uuid); ALTER TABLE public.todos ENABLE ROW LEVEL SECURITY;
            CREATE POLICY todos_own ON public.todos USING (user_id = auth.uid());`,
    detail: /^Policy todos_own on public\.todos re-evaluates auth\.uid\(\) for each row\.$/,
    remediation: /^ALTER POLICY todos_own ON public\.todos USING \(\(user_id = \(select auth\.uid\(\)\)\)\);$/,
  },
  {
    lint: 'multiple_permissive_policies',
    setup: SUPABASE,
    plant: `CREATE TABLE public.docs (id int PRIMARY KEY, public boolean, owner uuid); ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY;
            CREATE POLICY docs_public ON public.docs FOR SELECT TO authenticated USING (public);
            CREATE POLICY docs_owner ON public.docs FOR SELECT TO authenticated USING (owner IS NOT NULL);`,
    detail: /^Table public\.docs has 2 permissive policies for role authenticated and SELECT: docs_owner, docs_public\.$/,
  },
  {
    lint: 'rls_references_user_metadata',
    setup: SUPABASE,
    plant: `CREATE TABLE public.admin_notes (id int PRIMARY KEY); ALTER TABLE public.admin_notes ENABLE ROW LEVEL SECURITY;
            CREATE POLICY admins ON public.admin_notes USING (((SELECT auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');`,
    detail: /^Policy admins on public\.admin_notes references user_metadata/,
  },
];

describe('audit lints (splinter pattern: baseline 0, planted 1, fixed 0, rolled back)', { timeout: 60_000 }, () => {
  it('every lint has a case here (table_bloat is tested outside a transaction below)', () => {
    expect([...CASES.map((c) => c.lint), 'table_bloat'].sort()).toEqual(ALL_LINTS.map((l) => l.name).sort());
  });

  it('the baseline database (with R.O.M.A.N.\'s own schema installed) has no findings at all', async () => {
    await inRolledBackTx(async (c) => {
      const run = await runLints(c);
      expect(run.unavailable).toEqual([]);
      expect(run.findings).toEqual([]);
    });
  });

  for (const k of CASES) {
    it(`${k.lint}: 0 → planted 1 → its own fix → 0`, async () => {
      await inRolledBackTx(async (c) => {
        if (k.setup) await c.query(k.setup);
        expect(await findings(c, k.lint)).toEqual([]);
        await c.query(k.plant);
        const found = await findings(c, k.lint);
        expect(found).toHaveLength(1);
        const f = found[0];
        const l = lint(k.lint);
        expect(Object.keys(f).sort()).toEqual(['cache_key', 'categories', 'description', 'detail', 'facing', 'level', 'metadata', 'name', 'remediation', 'title'].sort());
        expect(f).toMatchObject({ name: l.name, title: l.title, level: l.level, facing: l.facing, categories: l.categories });
        expect(f.cache_key).toMatch(new RegExp(`^${k.lint === 'auth_rls_initplan' ? 'auth_rls_init_plan' : k.lint}_`));
        expect(f.detail).toMatch(k.detail);
        if (k.remediation) expect(f.remediation).toMatch(k.remediation);
        await applyFix(c, f);
        expect(await findings(c, k.lint)).toEqual([]);
      });
    });
  }
});

describe('edge cases', { timeout: 60_000 }, () => {
  it('unindexed_foreign_keys: covered only by an index with the key columns leading, in the same order', async () => {
    await inRolledBackTx(async (c) => {
      await c.query(`CREATE TABLE public.parent (a int, b int, PRIMARY KEY (a, b));
                     CREATE TABLE public.child (id int PRIMARY KEY, a int, b int, FOREIGN KEY (a, b) REFERENCES public.parent)`);
      await c.query(`CREATE INDEX child_a ON public.child (a)`);
      expect(await findings(c, 'unindexed_foreign_keys')).toHaveLength(1);
      await c.query(`CREATE INDEX child_b_a ON public.child (b, a)`);
      expect(await findings(c, 'unindexed_foreign_keys')).toHaveLength(1);
      await c.query(`CREATE INDEX child_a_b_partial ON public.child (a, b) WHERE a > 0`);
      expect(await findings(c, 'unindexed_foreign_keys')).toHaveLength(1);
      await c.query(`CREATE INDEX child_a_b_id ON public.child (a, b, id)`);
      expect(await findings(c, 'unindexed_foreign_keys')).toEqual([]);
    });
  });

  it('exposure: a table without grants, or in a schema PUBLIC cannot use, is not exposed; R.O.M.A.N.\'s ops schema never is a finding', async () => {
    await inRolledBackTx(async (c) => {
      await c.query(`CREATE TABLE public.private_t (id int PRIMARY KEY, password text)`);
      await c.query(`CREATE SCHEMA hidden; CREATE TABLE hidden.t (id int PRIMARY KEY, password text); GRANT SELECT ON hidden.t TO PUBLIC`);
      await c.query(`CREATE TABLE ops.roman_extra (v int, created_at timestamptz, password text); GRANT SELECT ON ops.roman_extra TO PUBLIC`);
      await c.query(`GRANT USAGE ON SCHEMA ops TO PUBLIC`);
      const run = await runLints(c);
      expect(run.findings.filter((f) => f.name !== 'rls_enabled_no_policy')).toEqual([]);
    });
  });

  it('rls_policy_always_true: a SELECT policy or a restrictive one with true is not flagged', async () => {
    await inRolledBackTx(async (c) => {
      await c.query(`CREATE TABLE public.pub (id int PRIMARY KEY); ALTER TABLE public.pub ENABLE ROW LEVEL SECURITY;
                     CREATE POLICY pub_read ON public.pub FOR SELECT USING (true);
                     CREATE POLICY pub_guard ON public.pub AS RESTRICTIVE FOR ALL USING (true)`);
      expect(await findings(c, 'rls_policy_always_true')).toEqual([]);
    });
  });

  it('created_at_without_index: an index with created_at second does not count; leading does', async () => {
    await inRolledBackTx(async (c) => {
      await c.query(`CREATE TABLE public.logs2 (id int PRIMARY KEY, user_id int, created_at timestamptz)`);
      await c.query(`CREATE INDEX logs2_user_created ON public.logs2 (user_id, created_at)`);
      expect(await findings(c, 'created_at_without_index')).toHaveLength(1);
      await c.query(`CREATE INDEX logs2_created_id ON public.logs2 (created_at, id)`);
      expect(await findings(c, 'created_at_without_index')).toEqual([]);
    });
  });

  it('unused_index and duplicate_index: two identical unused copies give one finding each, for the younger copy only', async () => {
    await inRolledBackTx(async (c) => {
      await c.query(`CREATE TABLE public.t (id int PRIMARY KEY, v int); CREATE INDEX t_v_old ON public.t (v); CREATE INDEX t_v_new ON public.t (v)`);
      const unused = await findings(c, 'unused_index');
      expect(unused.map((f) => f.metadata.index)).toEqual(['t_v_new']);
      const dup = await findings(c, 'duplicate_index');
      expect(dup.map((f) => f.metadata.index)).toEqual(['t_v_new']);
      expect(dup[0].metadata.covered_by).toBe('t_v_old');
    });
  });

  it('unsupported_reg_types: regclass and regtype survive pg_upgrade and are not flagged', async () => {
    await inRolledBackTx(async (c) => {
      await c.query(`CREATE TABLE public.meta (id int PRIMARY KEY, t regclass, ty regtype)`);
      expect(await findings(c, 'unsupported_reg_types')).toEqual([]);
    });
  });

  it('Supabase-only lints do not run without Supabase\'s schemas, even with the problem planted', async () => {
    await inRolledBackTx(async (c) => {
      await c.query(`CREATE TABLE public.todos (id int PRIMARY KEY, user_id text); ALTER TABLE public.todos ENABLE ROW LEVEL SECURITY;
                     CREATE POLICY a ON public.todos FOR SELECT USING (user_id = current_setting('app.user'));
                     CREATE POLICY b ON public.todos FOR SELECT USING (user_id IS NULL)`);
      const run = await runLints(c);
      expect(run.supabase).toBe(false);
      expect(run.findings.map((f) => f.name)).not.toContain('multiple_permissive_policies');
      expect(run.findings.map((f) => f.name)).not.toContain('auth_rls_initplan');
    });
  });
});

describe('table_bloat (needs VACUUM, so outside a transaction)', () => {
  it('0 → bloated table 1 → VACUUM FULL 0', { timeout: 120_000 }, async () => {
    await pool.query(`CREATE TABLE public.fat (id int PRIMARY KEY, pad text)`);
    try {
      await pool.query(`INSERT INTO public.fat SELECT g, repeat('x', 60) FROM generate_series(1, 300000) g`);
      await pool.query('VACUUM ANALYZE public.fat');
      const c = await pool.connect();
      const inTx = async () => {
        await c.query('BEGIN');
        try {
          return await findings(c, 'table_bloat');
        } finally {
          await c.query('COMMIT');
        }
      };
      try {
        expect(await inTx()).toEqual([]);
        await c.query(`DELETE FROM public.fat WHERE id % 10 <> 0`);
        await c.query('VACUUM ANALYZE public.fat');
        const found = await inTx();
        expect(found).toHaveLength(1);
        expect(found[0].detail).toMatch(/^Table public\.fat: about .* is wasted \(\d+%, estimate\)\.$/);
        await c.query(found[0].remediation);
        await c.query('ANALYZE public.fat');
        expect(await inTx()).toEqual([]);
      } finally {
        c.release();
      }
    } finally {
      await pool.query('DROP TABLE public.fat');
    }
  });
});
