/** `roman audit` as a user (or a CI pipeline) runs it, against real Postgres and a real project folder. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, roman } from '../../cli/run-roman';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';

let db: TestDatabase;
let pool: pg.Pool;
const dir = mkdtempSync(join(tmpdir(), 'roman-audit-cli-'));

beforeAll(async () => {
  db = await createTestDatabase('roman_audit_cli');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => undefined);
  await initDatabase(pool);
  await pool.query(`CREATE TABLE public.documents (id int PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(`CREATE TABLE public.accounts (id int PRIMARY KEY, owner text)`);
  await pool.query(`GRANT SELECT ON public.accounts TO PUBLIC`);
  await pool.query(`INSERT INTO public.ai_usage_logs (provider, feature, total_tokens, cost_usd, latency_ms) VALUES ('anthropic', 'chat', 10, 12.34, 100)`);
  // a project folder
  const p = join(dir, 'project');
  for (const d of ['src/components/ui', 'src/services', 'supabase/migrations', 'supabase/functions/ai-calculator', 'node_modules/x/components']) mkdirSync(join(p, d), { recursive: true });
  writeFileSync(join(p, 'src/components/Button.tsx'), '');
  writeFileSync(join(p, 'src/components/ui/Card.tsx'), '');
  writeFileSync(join(p, 'node_modules/x/components/Ignored.tsx'), '');
  writeFileSync(join(p, 'src/services/billing.ts'), '');
  writeFileSync(join(p, 'src/auth.service.ts'), '');
  writeFileSync(join(p, 'supabase/migrations/20260101_init.sql'), '');
  writeFileSync(join(p, 'supabase/functions/ai-calculator/index.ts'), '');
  writeFileSync(join(p, '.env.example'), '# keys\nSUPABASE_URL=\nRESEND_API_KEY=re_xxx\nexport STRIPE_SECRET=\nEMPTY_IN_DOTENV=\n');
  writeFileSync(join(p, '.env'), 'SUPABASE_URL=https://s3cr3t-value.example\nEMPTY_IN_DOTENV=\n');
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('roman audit', { timeout: 180_000 }, () => {
  it('prints the manual\'s /audit message and exits 1 while an ERROR finding is open (default --fail-on error)', () => {
    const r = roman(['audit', '--db', db.url]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const out = r.stdout;
    expect(out.startsWith('🔍 R.O.M.A.N. System Audit Complete\n\n📊 Database: 4 tables, 0 views, ')).toBe(true);
    expect(out).toContain('🔐 Security: 1 issue (1 table exposed without rls)');
    expect(out).toContain('💰 AI Costs: $12.34 (last 30 days)');
    expect(out).toContain('⚠️ Warnings: 2');
    expect(out).toContain("\nWarnings:\n1. [ERROR] Table public.accounts is exposed");
    expect(out).toContain("\n2. Table 'documents' missing index on created_at\n");
    expect(out).toContain('\nRecommendations:\n• Enable RLS:\n    ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY;');
    expect(out).toContain('• Add index: CREATE INDEX CONCURRENTLY idx_documents_created ON public.documents (created_at DESC);');
  });

  it('--json prints {"findings","inventory"}; --fail-on warn|info gates lower levels; a bad level is a usage error', async () => {
    const j = roman(['audit', '--db', db.url, '--json', '--no-save']);
    expect(j.status).toBe(1);
    const parsed = JSON.parse(j.stdout) as { findings: Record<string, unknown>[]; inventory: { database: { tables: number } } };
    expect(Object.keys(parsed)).toEqual(['findings', 'inventory']);
    expect(parsed.inventory.database.tables).toBe(4);
    expect(parsed.findings.map((f) => f.name).sort()).toEqual(['created_at_without_index', 'rls_disabled_in_public']);
    for (const f of parsed.findings) {
      expect(Object.keys(f).sort()).toEqual(['cache_key', 'categories', 'description', 'detail', 'facing', 'level', 'metadata', 'name', 'remediation', 'title']);
    }
    await pool.query(`ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON public.accounts USING (owner = current_user)`);
    expect(roman(['audit', '--db', db.url, '--no-save']).status).toBe(0);
    expect(roman(['audit', '--db', db.url, '--no-save', '--fail-on', 'warn']).status).toBe(1);
    expect(roman(['audit', '--db', db.url, '--no-save', '--fail-on', 'info']).status).toBe(1);
    const bad = roman(['audit', '--db', db.url, '--fail-on', 'fatal']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--fail-on must be error, warn or info');
  });

  it('compares with the previous saved report: new, resolved, still open', async () => {
    const r = roman(['audit', '--db', db.url]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/📈 Since \d{4}-\d\d-\d\d \d\d:\d\d UTC: 0 new, 1 resolved, 1 still open/);
    const saved = await pool.query(`SELECT count(*)::int AS n FROM ops.roman_events WHERE event_type = 'audit'`);
    expect(saved.rows[0].n).toBe(2);
  });

  it('a finding dismissed by cache_key with a note no longer counts for --fail-on', () => {
    const noNote = roman(['audit', 'dismiss', 'created_at_without_index_public_documents', '--db', db.url]);
    expect(noNote.status).toBe(2);
    const d = roman(['audit', 'dismiss', 'created_at_without_index_public_documents', '--note', 'append-only, read by id', '--db', db.url, '--by', 'alice']);
    expect(d.status).toBe(0);
    expect(d.stdout).toBe('Dismissed created_at_without_index_public_documents (append-only, read by id) by alice\n');
    const r = roman(['audit', '--db', db.url, '--fail-on', 'warn']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('⚠️ Warnings: 0');
    expect(r.stdout).toContain('🙈 Dismissed: 1');
    const j = JSON.parse(roman(['audit', '--db', db.url, '--json', '--no-save']).stdout) as { findings: { dismissed?: { note: string; by: string } }[] };
    expect(j.findings[0].dismissed).toMatchObject({ note: 'append-only, read by id', by: 'alice' });
  });

  it('--project: file inventory, missing environment variables by name only, Edge Functions npm cannot check', () => {
    const project = join(dir, 'project');
    const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/roman.ts', 'audit', '--db', db.url, '--project', project, '--no-save'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, STRIPE_SECRET: 'sk_live_from_env', RESEND_API_KEY: '' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('📁 Files: 2 components, 2 services, 1 migration');
    expect(r.stdout).toContain('Environment variable RESEND_API_KEY not set');
    expect(r.stdout).toContain('Environment variable EMPTY_IN_DOTENV not set');
    expect(r.stdout).not.toContain('SUPABASE_URL not set');
    expect(r.stdout).not.toContain('STRIPE_SECRET not set');
    expect(r.stdout).toContain('• Set RESEND_API_KEY in .env (or the environment): it is listed in .env.example');
    expect(r.stdout).toContain("• Edge Function 'ai-calculator': unavailable: no package.json (Deno imports)");
    for (const secret of ['s3cr3t-value', 'sk_live_from_env', 're_xxx']) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    const missing = roman(['audit', '--db', db.url, '--project', join(dir, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('not a folder');
  });

  it('npm run roman:audit (the manual\'s command) reads ROMAN_DB_URL', () => {
    const r = spawnSync('npm', ['run', '--silent', 'roman:audit', '--', '--no-save'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, ROMAN_DB_URL: db.url },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('🔍 R.O.M.A.N. System Audit Complete');
  });

  it('an unreachable database exits 4; no --db is a usage error', () => {
    const dead = roman(['audit', '--db', 'postgres://postgres:pw-x9@127.0.0.1:5999/none']);
    expect(dead.status).toBe(4);
    expect(dead.stderr).not.toContain('pw-x9');
    const env = { ...process.env };
    delete env.ROMAN_DB_URL;
    const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/roman.ts', 'audit'], { cwd: REPO, encoding: 'utf8', env });
    expect(r.status).toBe(2);
  });
});
