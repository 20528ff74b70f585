import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { Cache } from '../../src/main/core/store/cache';

const root = join(__dirname, '../..');
function roman(...args: string[]) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['src/main/cli/roman.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'roman-cache-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeCache(name: string, rows: number): string {
  const path = join(dir, name);
  const cache = Cache.open(path);
  cache.insertRecords(
    Array.from({ length: rows }, (_, i) => ({
      kind: 'log' as const,
      remoteTable: 'public.system_logs',
      remoteId: i + 1,
      timestamp: Date.now() - (rows - i) * 86_400_000 + 43_200_000,
      severity: 'info',
      source: 'api',
      message: `request ${i + 1}`,
    })),
  );
  cache.close();
  return path;
}

describe('roman cache', () => {
  it('check says a healthy cache is OK (exit 0)', () => {
    const path = makeCache('ok.sqlite', 20);
    const r = roman('cache', 'check', '--cache', path);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/integrity OK/);
  });

  it('check finds a full-text index out of step with the records and exits 1', () => {
    const path = makeCache('damaged.sqlite', 20);
    const db = new Database(path);
    // Simulate damage: change a record behind the back of the index (no trigger may repair it).
    for (const t of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'records'`).all() as { name: string }[]) {
      db.exec(`DROP TRIGGER "${t.name}"`);
    }
    db.prepare(`UPDATE records SET message = 'tampered text' WHERE id = 3`).run();
    db.close();
    const r = roman('cache', 'check', '--cache', path, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false });
  });

  it('retention deletes records older than the age limit', () => {
    const path = makeCache('old.sqlite', 30);
    const r = roman('cache', 'retention', '--max-age-days', '10', '--cache', path, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { deletedByAge: number };
    expect(report.deletedByAge).toBe(20);
    const cache = Cache.open(path, { create: false });
    expect(cache.count({})).toBe(10);
    cache.close();
  });

  it('refuses bad limits and a missing cache with exit 2 and a clear message', () => {
    expect(roman('cache', 'retention', '--max-age-days=-3', '--cache', join(dir, 'ok.sqlite')).stderr).toMatch(/--max-age-days must be a positive number/);
    expect(roman('cache', 'retention', '--cache', join(dir, 'ok.sqlite')).code).toBe(2);
    const missing = roman('cache', 'check', '--cache', join(dir, 'nope.sqlite'));
    expect(missing.code).toBe(2);
  });
});
