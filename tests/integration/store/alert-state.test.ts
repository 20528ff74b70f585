/**
 * The alert state tables of the cache (schema version 3): an existing version-2 cache upgrades in
 * place keeping its records, and stored silences / acknowledgements read back exactly, skipping
 * rows that cannot be understood.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock';
import { CacheAlertStateStore } from '../../../src/main/core/store/alert-state';
import { Cache } from '../../../src/main/core/store/cache';
import { CACHE_APPLICATION_ID, CACHE_SCHEMA_VERSION, MIGRATIONS } from '../../../src/main/core/store/schema';
import type { Silence } from '../../../src/shared/alerts';
import { openTempCache, tempDir, type TempCache } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function temp(): TempCache {
  const t = openTempCache('2026-03-10T12:00:00Z');
  cleanups.push(t.cleanup);
  return t;
}

/** A cache exactly as the build before alert state wrote it: migrations 1 and 2, with some records. */
function createVersion2Cache(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`application_id = ${CACHE_APPLICATION_ID}`);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.version <= 2)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.description);
  }
  db.prepare(
    `INSERT INTO records (kind, origin, remote_table, remote_id, ts, severity, source, type, message, metadata)
     VALUES ('log', 'remote', 'public.system_logs', '1', ?, 'error', 'api', NULL, 'written before the upgrade', '{}')`,
  ).run(Date.parse('2026-03-01T00:00:00Z'));
  db.exec("INSERT INTO records_fts (rowid, message, source, type) SELECT id, message, source, type FROM records");
  db.pragma('user_version = 2');
  db.close();
}

const silence: Silence = {
  id: 'sil-1',
  matchers: [
    { name: 'rule', value: 'error_rate_spike', isRegex: false, isEqual: true },
    { name: 'ip', value: '203\\.0\\..*', isRegex: true, isEqual: false },
  ],
  startsAt: '2026-03-10T12:00:00.000Z',
  endsAt: '2026-03-10T16:00:00.000Z',
  comment: 'vendor incident — ticket #42',
  createdBy: 'alice',
};

describe('cache schema version 3: alert silences and acknowledgements', () => {
  it('is migration 3, and the versions only ever increase (each issue has its own range, gaps are fine)', () => {
    expect(MIGRATIONS.find((m) => m.sql.includes('CREATE TABLE alert_silences'))?.version).toBe(3);
    expect(MIGRATIONS.map((m) => m.version)).toEqual([...new Set(MIGRATIONS.map((m) => m.version))].sort((a, b) => a - b));
    expect(CACHE_SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
  });

  it('upgrades a cache written before it in place, keeping its records, and stores alert state from then on', () => {
    const d = tempDir('roman-alert-state-upgrade-');
    cleanups.push(d.cleanup);
    const path = join(d.dir, 'old.sqlite');
    createVersion2Cache(path);
    const cache = Cache.open(path, { clock: new ManualClock('2026-03-10T12:00:00Z') });
    try {
      expect(cache.db.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION);
      expect(cache.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      expect(cache.search({ text: 'upgrade' }).rows.map((r) => r.message)).toEqual(['written before the upgrade']);
      expect(cache.db.prepare('SELECT count(*) AS n FROM alert_silences').get()).toEqual({ n: 0 });
      const store = new CacheAlertStateStore(cache);
      store.saveSilence(silence);
      expect(store.load(new Date('2026-03-10T00:00:00Z')).silences).toEqual([silence]);
    } finally {
      cache.close();
    }
  });

  it('reads back silences and acknowledgements exactly as saved, and an expiry moves the end', () => {
    const t = temp();
    const store = new CacheAlertStateStore(t.cache);
    store.saveSilence(silence);
    store.saveAck({ fingerprint: 'abcd', by: 'bob', at: '2026-03-10T12:01:00.000Z', startsAt: '2026-03-10T11:58:00.000Z' });
    t.cache.close();

    const reopened = Cache.open(t.path, { clock: t.clock });
    try {
      const again = new CacheAlertStateStore(reopened);
      expect(again.load(new Date('2026-03-09T12:00:00Z'))).toEqual({
        silences: [silence],
        acks: [{ fingerprint: 'abcd', by: 'bob', at: '2026-03-10T12:01:00.000Z', startsAt: '2026-03-10T11:58:00.000Z' }],
      });
      again.expireSilence('sil-1', '2026-03-10T12:30:00.000Z', '2026-03-10T12:30:00.000Z');
      expect(reopened.db.prepare('SELECT ends_at, expired_at FROM alert_silences').get()).toEqual({
        ends_at: Date.parse('2026-03-10T12:30:00Z'),
        expired_at: Date.parse('2026-03-10T12:30:00Z'),
      });
      expect(again.load(new Date('2026-03-09T12:00:00Z')).silences).toEqual([{ ...silence, endsAt: '2026-03-10T12:30:00.000Z' }]);
      again.deleteAck('abcd');
      expect(again.load(new Date('2026-03-09T12:00:00Z')).acks).toEqual([]);
    } finally {
      reopened.close();
    }
  });

  it('skips stored rows it cannot understand instead of guessing', () => {
    const t = temp();
    const store = new CacheAlertStateStore(t.cache);
    store.saveSilence(silence);
    const insert = t.cache.db.prepare('INSERT INTO alert_silences (id, matchers_json, starts_at, ends_at) VALUES (?, ?, ?, ?)');
    const end = Date.parse('2026-03-10T16:00:00Z');
    insert.run('sil-broken-json', '{not json', 0, end);
    insert.run('sil-no-matchers', '[]', 0, end);
    insert.run('sil-bad-matcher', '[{"name":"","value":"x"}]', 0, end);
    t.cache.db.prepare('INSERT INTO alert_acks VALUES (?, ?, ?, ?)').run('abcd', 'bob', 'yesterday', 0);
    expect(store.load(new Date('2026-03-09T12:00:00Z'))).toEqual({ silences: [silence], acks: [] });
  });

  it('refuses a silence with an impossible time and stores nothing', () => {
    const t = temp();
    const store = new CacheAlertStateStore(t.cache);
    expect(() => store.saveSilence({ ...silence, endsAt: 'soon' })).toThrow(/endsAt is not a valid time/);
    expect(t.cache.db.prepare('SELECT count(*) AS n FROM alert_silences').get()).toEqual({ n: 0 });
  });
});
