import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';

const root = join(__dirname, '../../..');
function roman(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/main/cli/roman.ts'), ...args], {
    encoding: 'utf8',
    cwd: root,
    timeout: 60_000,
    env: { ...process.env, ROMAN_CACHE: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase('roman_synccli');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  await initDatabase(pool);
  await pool.query(`insert into system_logs (severity, source, message) select 'info', 'api', 'm' || g from generate_series(1, 1500) g`);
  await pool.end();
  dir = mkdtempSync(join(tmpdir(), 'roman-synccli-'));
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('roman sync', () => {
  it('syncs into the given cache and prints a JSON summary', () => {
    const cache = join(dir, 'explicit.sqlite');
    const r = roman(['sync', '--db', db.url, '--cache', cache, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.cache).toBe(cache);
    expect(out.tables.find((t: { table: string }) => t.table === 'public.system_logs').inserted).toBe(1500);
    expect(typeof out.eventLoopMaxDelayMs).toBe('number');
    expect(r.stderr).toBe('');
    expect(existsSync(cache)).toBe(true);
  });

  it('uses a cache under ROMAN_DATA_DIR named by the URL without its password, and prints progress on stderr', () => {
    const dataDir = join(dir, 'data');
    const withPassword = db.url.replace('postgres@', 'postgres:s3cret@');
    const r = roman(['sync', '--db', withPassword], { ROMAN_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/public\.system_logs: 1500 new, 0 already cached/);
    expect(r.stderr).toMatch(/^Syncing postgres:\/\/postgres@/);
    const files = readdirSync(join(dataDir, 'cache'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.sqlite$/);
    const again = roman(['sync', '--db', db.url], { ROMAN_DATA_DIR: dataDir });
    expect(again.stdout).toMatch(/public\.system_logs: 0 new/);
    expect(readdirSync(join(dataDir, 'cache')).filter((f) => f.endsWith('.sqlite'))).toEqual(files);
    expect(r.stdout + r.stderr).not.toMatch(/s3cret/);
  });

  it('exits 4 when the database is unreachable and 2 for a bad URL', () => {
    const down = roman(['sync', '--db', 'postgres://u:pw@127.0.0.1:1/x', '--cache', join(dir, 'down.sqlite')]);
    expect(down.code).toBe(4);
    expect(down.stderr).toMatch(/cannot reach postgres:\/\/u@127\.0\.0\.1:1\/x/);
    const bad = roman(['sync', '--db', 'postgres://u@/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a valid connection URL: postgres:\/\/u@\/x/);
  });
});
