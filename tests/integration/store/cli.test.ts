import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Cache } from '../../../src/main/core/store/cache';
import { defaultCachePath } from '../../../src/main/core/store/paths';
import { tempDir } from './helpers';

const root = resolve(__dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const roman = join(root, 'src/main/cli/roman.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(
      tsx,
      [roman, ...args],
      // No database anywhere: these commands must work from the cache alone.
      { cwd: root, env: { ...process.env, ROMAN_DB_URL: 'postgres://nobody@127.0.0.1:1/nothing', ROMAN_CACHE: undefined, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code: unknown = err ? (err as { code?: unknown }).code : 0;
        resolvePromise({ code: typeof code === 'number' ? code : 99, stdout, stderr });
      },
    );
  });
}

const dir = tempDir('roman-cli-');
const cachePath = join(dir.dir, 'review.sqlite');
const now = Date.now();

beforeAll(() => {
  const cache = Cache.open(cachePath);
  cache.insertRecords([
    { kind: 'log', remoteTable: 'public.system_logs', remoteId: 1, timestamp: now - 3 * 86_400_000, severity: 'error', source: 'api', message: 'Connection refused, retrying "primary"' },
    { kind: 'log', remoteTable: 'public.system_logs', remoteId: 2, timestamp: now - 2 * 3_600_000, severity: 'critical', source: 'db', message: 'Deadlock detected' },
    { kind: 'log', remoteTable: 'public.system_logs', remoteId: 3, timestamp: now - 3_600_000, severity: 'info', source: 'api', message: 'connection pool resized' },
    { kind: 'event', remoteTable: 'ops.roman_events', remoteId: 7, timestamp: now - 60_000, severity: 'warning', type: 'rejection', message: 'Action rejected: delete production database' },
  ]);
  cache.appendAudit({ kind: 'action', type: 'vacuum', message: 'VACUUM ANALYZE executed' });
  cache.appendAudit({ kind: 'action', type: 'backup', message: 'pg_dump completed' });
  cache.close();
});
afterAll(() => dir.cleanup());

describe('roman events search', () => {
  it('finds cached records by text with the database unreachable', async () => {
    const r = await run(['events', 'search', 'connection', '--cache', cachePath]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/info .*connection pool resized/);
    expect(lines[1]).toMatch(/error .*Connection refused/);
  });

  it('filters by severity and time and prints JSON', async () => {
    const r = await run(['events', 'search', '--severity', 'error', '--severity', 'critical', '--since', '24h', '--json', '--cache', cachePath]);
    expect(r.code).toBe(0);
    const page = JSON.parse(r.stdout) as { rows: { message: string; severity: string; metadata: unknown }[]; nextCursor: string | null };
    expect(page.rows.map((x) => x.message)).toEqual(['Deadlock detected']);
    expect(page.nextCursor).toBeNull();
  });

  it('pages with --limit and --cursor', async () => {
    const first = await run(['events', 'search', '--limit', '2', '--json', '--cache', cachePath]);
    const p1 = JSON.parse(first.stdout) as { rows: { id: number }[]; nextCursor: string };
    expect(p1.rows).toHaveLength(2);
    const second = await run(['events', 'search', '--limit', '10', '--cursor', p1.nextCursor, '--json', '--cache', cachePath]);
    const p2 = JSON.parse(second.stdout) as { rows: { id: number }[]; nextCursor: string | null };
    expect(p2.rows).toHaveLength(4);
    expect(new Set([...p1.rows, ...p2.rows].map((x) => x.id)).size).toBe(6);
  });

  it('accepts hostile search text, and explains bad search syntax without an SQLite error', async () => {
    const r = await run(['events', 'search', 'primary', 'NEAR(', '--cache', cachePath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No cached records match/);
    const q = await run(['events', 'search', '"primary', '--cache', cachePath]);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/unbalanced quote/);
    expect(q.stderr).not.toMatch(/fts5|sqlite/i);
    const o = await run(['events', 'search', 'connection', 'OR', '--cache', cachePath]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/OR needs a word on each side/);
  });

  it('prints the exact total of matching records with --json, across pages, for OR / NOT / phrase queries', async () => {
    const all = await run(['events', 'search', '--limit', '2', '--json', '--cache', cachePath]);
    expect(all.code).toBe(0);
    const p = JSON.parse(all.stdout) as { total: number; rows: unknown[]; nextCursor: string | null };
    expect(p.rows).toHaveLength(2);
    expect(p.total).toBe(6);
    const or = JSON.parse((await run(['events', 'search', 'deadlock OR vacuum', '--limit', '1', '--json', '--cache', cachePath])).stdout) as { total: number };
    expect(or.total).toBe(2);
    const not = JSON.parse((await run(['events', 'search', 'connection -refused', '--json', '--cache', cachePath])).stdout) as { total: number; rows: { message: string }[] };
    expect(not.rows.map((x) => x.message)).toEqual(['connection pool resized']);
    expect(not.total).toBe(1);
    const phrase = JSON.parse((await run(['events', 'search', '"delete production"', '--json', '--cache', cachePath])).stdout) as { total: number };
    expect(phrase.total).toBe(1);
  });

  it('exits 2 with a clear message for a bad --since, an unknown severity or a missing cache', async () => {
    const since = await run(['events', 'search', '--since', 'yesterday', '--cache', cachePath]);
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since: invalid time "yesterday"/);
    const sev = await run(['events', 'search', '--severity', 'fatal', '--cache', cachePath]);
    expect(sev.code).toBe(2);
    expect(sev.stderr).toMatch(/unknown severity "fatal" \(expected one of debug, info, warning, error, critical\)/);
    const missing = join(dir.dir, 'nope.sqlite');
    const nf = await run(['events', 'search', 'x', '--cache', missing]);
    expect(nf.code).toBe(2);
    expect(nf.stderr).toMatch(/no cache at .*nope\.sqlite/);
    expect(existsSync(missing)).toBe(false);
  });

  it('reads the cache named by ROMAN_CACHE, or the default under ROMAN_DATA_DIR', async () => {
    const viaEnv = await run(['events', 'search', 'deadlock'], { ROMAN_CACHE: cachePath });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toMatch(/Deadlock detected/);
    const dataDir = join(dir.dir, 'data');
    const expected = defaultCachePath(undefined, { ROMAN_DATA_DIR: dataDir });
    expect(expected).toBe(join(dataDir, 'cache', 'default.sqlite'));
    Cache.open(expected).close();
    const viaDataDir = await run(['events', 'search', 'deadlock'], { ROMAN_DATA_DIR: dataDir, ROMAN_DB_URL: undefined });
    expect(viaDataDir.code).toBe(0);
    expect(viaDataDir.stdout).toMatch(/No cached records match \(cache: .*default\.sqlite\)/);
  });
});

describe('roman events export', () => {
  it('writes CSV to stdout by default', async () => {
    const r = await run(['events', 'export', '--format', 'csv', '--source', 'api', '--cache', cachePath]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toBe('id,timestamp,kind,origin,severity,source,type,message,remote_table,remote_id,chain_seq,metadata');
    expect(r.stdout).toContain('"Connection refused, retrying ""primary"""');
    expect(lines.filter(Boolean)).toHaveLength(3);
  });

  it('writes JSON Lines to --out FILE', async () => {
    const out = join(dir.dir, 'export.jsonl');
    const r = await run(['events', 'export', '--format', 'jsonl', '--kind', 'action', '--out', out, '--cache', cachePath]);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { message: string; chainSeq: number });
    expect(rows.map((x) => [x.message, x.chainSeq])).toEqual([
      ['pg_dump completed', 2],
      ['VACUUM ANALYZE executed', 1],
    ]);
  });

  it('requires a known --format', async () => {
    const r = await run(['events', 'export', '--format', 'xml', '--cache', cachePath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format csv\|jsonl is required \(got "xml"\)/);
  });
});

describe('roman audit-log verify', () => {
  it('exits 0 for an intact chain', async () => {
    const r = await run(['audit-log', 'verify', '--cache', cachePath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/VALID — 2 entries, head #2 [0-9a-f]{64}/);
  });

  it('exits 1 and lists the broken entries after tampering', async () => {
    const tampered = join(dir.dir, 'tampered.sqlite');
    const c = Cache.open(tampered);
    for (let i = 0; i < 4; i++) c.appendAudit({ kind: 'action', message: `action ${i}` });
    c.close();
    const raw = new Database(tampered);
    raw.prepare("UPDATE audit_chain SET entry = replace(entry, 'action 1', 'action X') WHERE seq = 2").run();
    raw.close();
    const r = await run(['audit-log', 'verify', '--cache', tampered]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BROKEN/);
    expect(r.stdout).toMatch(/#2\s+hash_mismatch\s+entry #2 was modified/);
    const j = await run(['audit-log', 'verify', '--json', '--cache', tampered]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ valid: false, problems: expect.arrayContaining([expect.objectContaining({ seq: 2, problem: 'hash_mismatch' })]) });
  });

  it('exits 2 for a missing cache file', async () => {
    const r = await run(['audit-log', 'verify', '--cache', join(dir.dir, 'absent.sqlite')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no cache at/);
  });
});
