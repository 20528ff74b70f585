/** `roman triage …` as a user runs it: the fingerprint contract, patterns and playbooks against real Postgres. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roman } from './run-roman';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { initDatabase } from '../../src/main/core/db/migrations';

const dir = mkdtempSync(join(tmpdir(), 'roman-triage-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES = [
  'Database connection failed: connection pool exhausted (19/20 in use, waited 5003ms)',
  'Invalid user webmaster from 173.234.31.186',
  'Database connection failed: connection pool exhausted (20/20 in use, waited 5010ms)',
  '',
  'Invalid user chen from 202.100.179.208',
  '[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Started (Lifecycle Event)',
  '[instance: 0673dd71-34c5-4fbb-86c4-40623fbe45b4] VM Stopped (Lifecycle Event)',
];

describe('roman triage fingerprint', { timeout: 120_000 }, () => {
  it('prints one fingerprint per input line, in input order, and nothing else on stdout (stdin)', () => {
    const r = roman(['triage', 'fingerprint', '-'], LINES.join('\n') + '\n');
    expect(r.status).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.pop()).toBe('');
    expect(out).toHaveLength(LINES.length);
    for (const fp of out) expect(fp).toMatch(/^p[0-9a-f]{15}$/);
    expect(out[0]).toBe(out[2]);
    expect(out[1]).toBe(out[4]);
    expect(out[5]).not.toBe(out[6]);
    expect(new Set(out).size).toBe(5);
  });

  it('reads a file (CRLF too) and with --json prints {"fingerprint","template"} per line', () => {
    const file = join(dir, 'messages.txt');
    writeFileSync(file, LINES.join('\r\n'));
    const plain = roman(['triage', 'fingerprint', file]).stdout.trim().split('\n');
    const r = roman(['triage', 'fingerprint', '--json', file]);
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { fingerprint: string; template: string });
    expect(rows).toHaveLength(LINES.length);
    expect(Object.keys(rows[0]!)).toEqual(['fingerprint', 'template']);
    expect(rows.map((x) => x.fingerprint)).toEqual(plain);
    expect(rows[0]!.template).toBe('Database connection failed: connection pool exhausted (<*>/<*> in use, waited <*>)');
    expect(rows[1]!.template).toBe('Invalid user <*> from <*>');
  });

  it('an empty input prints nothing; a missing file or a bad option is a usage error (exit 2)', () => {
    const empty = roman(['triage', 'fingerprint'], '');
    expect(empty.status).toBe(0);
    expect(empty.stdout).toBe('');
    const missing = roman(['triage', 'fingerprint', join(dir, 'nope.txt')]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/cannot read/);
    expect(roman(['triage', 'fingerprint', '--bogus'], 'x').status).toBe(2);
  });
});

describe('roman triage patterns / playbook (real Postgres)', { timeout: 180_000 }, () => {
  let tdb: TestDatabase;
  let cachePath: string;
  beforeAll(async () => {
    tdb = await createTestDatabase('roman_triage_cli');
    const pool = new pg.Pool({ connectionString: tdb.url, max: 1 });
    try {
      await initDatabase(pool);
      for (let i = 0; i < 5; i++) {
        await pool.query(`INSERT INTO public.system_logs (severity, source, message, metadata) VALUES ('error', 'database', $1, '{"error_code":"53300"}')`, [
          `Database connection failed: connection pool exhausted (${18 + (i % 3)}/20 in use, waited ${5000 + i}ms)`,
        ]);
      }
      await pool.query(`INSERT INTO public.system_logs (severity, source, message) VALUES ('info', 'auth', 'User signed in')`);
    } finally {
      await pool.end();
    }
    cachePath = join(dir, 'cache.sqlite');
  }, 60_000);
  afterAll(async () => {
    await tdb?.drop();
  });

  it('patterns: syncs, groups and lists (--json)', () => {
    const r = roman(['triage', 'patterns', '--db', tdb.url, '--cache', cachePath, '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { patterns: Array<{ template: string; count: number; severity: string; status: string; playbook: string }> };
    expect(out.patterns).toHaveLength(1);
    expect(out.patterns[0]).toMatchObject({
      template: 'Database connection failed: connection pool exhausted (<*>/<*> in use, waited <*>)',
      count: 5,
      severity: 'error',
      status: 'new',
      playbook: 'db_connection_failures',
    });
    const text = roman(['triage', 'patterns', '--db', tdb.url, '--cache', cachePath]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('connection pool exhausted');
    expect(roman(['triage', 'patterns', '--db', tdb.url, '--cache', cachePath, '--status', 'maybe']).status).toBe(2);
  });

  it('playbook: runs detection and checks, records an outcome, measures the rate beside the claim', () => {
    const r = roman(['triage', 'playbook', 'db_connection_failures', '--db', tdb.url, '--json', '--outcome', 'resolved_automatically', '--note', 'pool grew']);
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout) as { detection: { count: number; triggered: boolean }; checks: Array<{ id: string; status: string }>; successRate: { measured: number; claimed: number; runs: number }; outcome: string };
    expect(rep.detection).toMatchObject({ count: 5, triggered: true });
    expect(rep.checks.find((c) => c.id === 'connection_test')!.status).toBe('ok');
    expect(rep.successRate).toMatchObject({ measured: 1, claimed: 0.85, runs: 1 });
    expect(rep.outcome).toBe('resolved_automatically');
    const text = roman(['triage', 'playbook', 'rls_violations', '--db', tdb.url]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Manual steps:');
    expect(text.stdout).toContain('the manual claims 40 %');
    expect(roman(['triage', 'playbook', 'nuke_everything', '--db', tdb.url]).status).toBe(2);
    expect(roman(['triage', 'playbook', 'api_rate_limit', '--db', 'postgres://postgres@127.0.0.1:1/none']).status).toBe(4);
  });
});
