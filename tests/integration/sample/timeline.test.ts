/**
 * One timeline: the sample workspace opened, synced into its cache, closed, and reopened hours later
 * shows every row at one time — the cache (audit log) and the database (dashboard) agree on each
 * row's time, and no log line appears twice at two times. When the sample is rebuilt (its data
 * version changed) its cache starts again instead of keeping rows that no longer exist.
 * The real Workspaces (the app's workspace switcher), the embedded engine, the cache worker and the
 * sync; an injected clock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ManualClock } from '../../../src/main/core/clock';
import { JsonFileBackend } from '../../../src/main/core/settings/json-file-backend';
import { NoSecretVault, Settings } from '../../../src/main/core/settings/settings';
import { Workspaces, sampleCachePath } from '../../../src/main/core/workspace';

const HOUR = 3_600_000;

const dir = mkdtempSync(join(tmpdir(), 'roman-sample-timeline-'));
const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
const settings = new Settings(new JsonFileBackend(join(dir, 'settings.json')), new NoSecretVault('test'));
const workspaces = new Workspaces({ dataDir: dir, clock, emit: () => undefined, settings, syncIntervalMs: 24 * HOUR });

afterAll(async () => {
  await workspaces.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the sample, syncs it into its cache, and compares the cache with the database. */
async function openAndCompare(): Promise<{ cached: number; moved: string[]; twice: string[]; missing: number }> {
  const ws = await workspaces.openSample();
  const sync = await ws.syncNow();
  expect(sync.error ?? null).toBeNull();
  const cache = new Database(sampleCachePath(dir), { readonly: true, fileMustExist: true });
  const client = new pg.Client({ connectionString: ws.spec.connection as string });
  await client.connect();
  try {
    const rows = cache
      .prepare(`SELECT remote_id AS id, ts, message FROM records WHERE remote_table LIKE '%system_logs'`)
      .all() as { id: string; ts: number; message: string }[];
    const db = await client.query<{ id: string; t: Date; message: string }>(`SELECT id::text, timestamp AS t, message FROM public.system_logs`);
    const byId = new Map(db.rows.map((r) => [r.id, r]));
    const moved = rows.filter((r) => {
      const d = byId.get(r.id);
      return d && (d.t.getTime() !== r.ts || d.message !== r.message);
    });
    // Rows older than the database keeps (30 days) may be only in the cache; none may be missing from it.
    const cachedIds = new Set(rows.map((r) => r.id));
    const missing = db.rows.filter((r) => !cachedIds.has(r.id)).length;
    const twice = cache
      .prepare(
        `SELECT message FROM records WHERE remote_table LIKE '%system_logs' AND message LIKE '%req\\_%' ESCAPE '\\'
          GROUP BY message HAVING count(DISTINCT ts) > 1`,
      )
      .all() as { message: string }[];
    return { cached: rows.length, moved: moved.slice(0, 5).map((r) => `${r.id} ${new Date(r.ts).toISOString()} ${r.message}`), twice: twice.map((r) => r.message), missing };
  } finally {
    cache.close();
    await client.end();
  }
}

describe('sample workspace: one timeline across reopening', () => {
  it('reopened hours later, the cache and the database show every row at the same time, once', async () => {
    const first = await openAndCompare();
    expect(first.cached).toBeGreaterThan(50_000);
    expect(first).toMatchObject({ moved: [], twice: [], missing: 0 });
    await workspaces.close();

    clock.advance(5 * HOUR);
    const second = await openAndCompare();
    expect(second).toMatchObject({ moved: [], twice: [], missing: 0 });
    // The five hours it was closed are there too.
    expect(second.cached).toBeGreaterThan(first.cached + 5 * 60);
  }, 240_000);

  it('a rebuilt sample starts its cache again: no cached row stands for a row that no longer exists', async () => {
    await workspaces.close();
    const markerPath = join(dir, 'sample', 'seed.json');
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { seedVersion: number };
    writeFileSync(markerPath, JSON.stringify({ ...marker, seedVersion: 0 }));
    clock.advance(HOUR);
    const rebuilt = await openAndCompare();
    expect(rebuilt).toMatchObject({ moved: [], twice: [], missing: 0 });
  }, 240_000);
});
