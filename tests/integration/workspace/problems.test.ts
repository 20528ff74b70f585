/**
 * Background failures are never swallowed: a failed ops.roman_events write (and a failed sync of
 * a table) is a visible problem in the workspace status, with its message, written to a log file in
 * the data folder — and the workspace is NOT called offline, because the database still answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { createCore, type Core } from '../../../src/main/core/app';
import { initDatabase } from '../../../src/main/core/db/migrations';
import type { WorkspaceStatus } from '../../../src/shared/workspace';
import { ProblemLog } from '../../../src/main/core/workspace/problem-log';

let db: TestDatabase;
let dir: string;
let core: Core;
let admin: pg.Pool;

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase('roman_ws_problems');
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(admin);
  dir = mkdtempSync(join(tmpdir(), 'roman-ws-problems-'));
  core = await createCore({ dataDir: dir, workspace: { url: db.url, name: 'Staging', environment: 'staging' }, syncIntervalMs: 60_000 });
  await until('connected', () => (core.workspaces.status().connection === 'connected' && core.workspaces.status().lastSyncedAt ? true : null));
});

afterAll(async () => {
  await core?.close();
  await admin?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a failed ops.roman_events write', () => {
  it('is shown with its message, logged in the data folder, and is not "offline"', async () => {
    // The table is gone (renamed): the write fails with "relation does not exist", not a lost connection.
    await admin.query('ALTER TABLE ops.roman_events RENAME TO roman_events_moved');
    const ctx = core.context({ channel: 'ui', requestedBy: 'alice' });
    const r = await core.registry.dispatch('actions.request', { text: 'deploy to staging', systemEntropy: 0.042 }, ctx);
    expect(r.ok).toBe(true);
    const status = await until<WorkspaceStatus>('a problem in the status', () => {
      const s = core.workspaces.status();
      return s.problem ? s : null;
    });
    expect(status.problem).toMatchObject({ source: 'ops.roman_events write' });
    expect(status.problem!.message).toMatch(/roman_events/);
    expect(status.offlineSince).toBeNull();
    expect(status.connection).toBe('connected');
    expect(status.logFile).toBe(join(dir, 'logs', 'roman.log'));
    const log = readFileSync(status.logFile!, 'utf8');
    expect(log).toMatch(/\[ops\.roman_events write\] outbox item \d+: .*roman_events/);
  });
});

describe('the problem log', () => {
  it('rotates by size and keeps the configured number of files', () => {
    const d = mkdtempSync(join(tmpdir(), 'roman-log-'));
    try {
      const log = new ProblemLog(d, { maxBytes: 200, keep: 2 });
      for (let i = 0; i < 20; i++) log.write(new Date('2026-11-28T10:00:00Z'), 'sync', `failure number ${i} ${'x'.repeat(40)}`);
      expect(existsSync(log.path)).toBe(true);
      expect(existsSync(`${log.path}.1`)).toBe(true);
      expect(existsSync(`${log.path}.2`)).toBe(true);
      expect(existsSync(`${log.path}.3`)).toBe(false);
      expect(readFileSync(log.path, 'utf8')).toContain('failure number 19');
      for (const f of [log.path, `${log.path}.1`, `${log.path}.2`]) expect(readFileSync(f, 'utf8').length).toBeLessThanOrEqual(200);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
