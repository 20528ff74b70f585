/** `roman checks` as a user runs it, against real Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roman } from '../../cli/run-roman';
import { ALL_HEALTH_CHECKS } from '../../../src/main/core/monitoring/checks';
import { createMonitoredDatabase, type MonitoredDatabase } from './fixture';

let m: MonitoredDatabase;
beforeAll(async () => {
  m = await createMonitoredDatabase();
  await m.pool.query(`CREATE TABLE public.docs (id int, owner int)`);
  await m.pool.query(`CREATE INDEX docs_owner_a ON public.docs (owner)`);
  await m.pool.query(`CREATE INDEX docs_owner_b ON public.docs (owner)`);
});
afterAll(async () => {
  await m?.close();
});

describe('roman checks', { timeout: 120_000 }, () => {
  it('--json prints every check result in one record shape', () => {
    const r = roman(['checks', '--db', m.db.url, '--json']);
    expect(r.status).toBe(0);
    const results = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(results.map((x) => x.key)).toEqual(ALL_HEALTH_CHECKS.map((c) => c.key));
    for (const x of results) {
      for (const k of ['key', 'area', 'status', 'value', 'detail', 'rows', 'remediation']) expect(x).toHaveProperty(k);
      expect(Array.isArray(x.rows)).toBe(true);
    }
    const dup = results.find((x) => x.key === 'indexes.duplicate')!;
    expect(dup).toMatchObject({ area: 'indexes', status: 'warning', value: 1 });
    expect(dup.remediation).toBe('DROP INDEX CONCURRENTLY public.docs_owner_b; -- covered by docs_owner_a');
  });

  it('without --json prints one line per check, then the fix of each finding', () => {
    const r = roman(['checks', '--db', m.db.url]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/⚠️ indexes\.duplicate\s+warning\s+1 index is covered by another index/);
    expect(r.stdout).toMatch(/\d+ checks: \d+ ok, \d+ warning, \d+ critical, \d+ unavailable/);
    expect(r.stdout).toContain('DROP INDEX CONCURRENTLY public.docs_owner_b; -- covered by docs_owner_a');
  });

  it('no --db is a usage error (2); an unreachable database exits 4 without printing the password', () => {
    const usage = roman(['checks'], '');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--db URL is required');
    const dead = roman(['checks', '--db', 'postgres://postgres:s3cret@127.0.0.1:5999/none']);
    expect(dead.status).toBe(4);
    expect(dead.stdout).toBe('');
    expect(dead.stderr).toContain('unreachable');
    expect(dead.stderr).not.toContain('s3cret');
  });
});
