import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Cache } from '../../../src/main/core/store/cache';
import { CACHE_APPLICATION_ID, CACHE_SCHEMA_VERSION, MIGRATIONS } from '../../../src/main/core/store/schema';
import { evaluate } from '../../../src/main/core/constitution/index';
import { ManualClock } from '../../../src/main/core/clock';
import { compileFilter, whereClause } from '../../../src/main/core/store/query';
import type { RecordFilter } from '../../../src/shared/store';
import { logRow, openTempCache, tempDir, type TempCache } from './helpers';

let t: TempCache | undefined;
const dirs: { cleanup(): void }[] = [];
afterEach(() => {
  t?.cleanup();
  t = undefined;
  for (const d of dirs.splice(0)) d.cleanup();
});

/** Ids of every record the full-text search finds for `text` (all pages). */
function findAll(cache: Cache, text: string): number[] {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page = cache.search({ text, limit: 1000, cursor });
    ids.push(...page.rows.map((r) => r.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids.sort((a, b) => a - b);
}

function allIds(cache: Cache): number[] {
  return (cache.db.prepare('SELECT id FROM records ORDER BY id').all() as { id: number }[]).map((r) => r.id);
}

/**
 * A cache as schema version 1 (insert trigger on records) left it on a user's disk: built with
 * version 1's own SQL and filled through its trigger, exactly like that build did.
 */
function createVersion1Cache(path: string, rows: number): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`application_id = ${CACHE_APPLICATION_ID}`);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const v1 = MIGRATIONS.find((m) => m.version === 1)!;
  db.exec(v1.sql);
  db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(v1.description);
  db.pragma('user_version = 1');
  const insert = db.prepare(
    `INSERT OR IGNORE INTO records (kind, origin, remote_table, remote_id, ts, severity, source, type, message, metadata)
     VALUES ('log', 'remote', 'public.system_logs', ?, ?, 'info', 'api', NULL, ?, '{}')`,
  );
  db.transaction(() => {
    for (let i = 1; i <= rows; i++) insert.run(String(i), Date.parse('2026-02-01T00:00:00Z') + i * 1000, `legacy request ${i} served by gateway`);
  })();
  db.close();
}

describe('Full-text index across the schema upgrade', () => {
  it('upgrades a version-1 cache in place: every old record is still found by text, and new ones too', () => {
    const d = tempDir('roman-fts-upgrade-');
    dirs.push(d);
    const path = join(d.dir, 'old.sqlite');
    createVersion1Cache(path, 1200);

    const cache = Cache.open(path, { clock: new ManualClock('2026-03-01T12:00:00Z') });
    try {
      expect(cache.db.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION);
      expect(cache.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name = 'records_fts_insert'").get()).toEqual({ n: 0 });
      expect(findAll(cache, 'legacy gateway')).toEqual(allIds(cache));
      expect(findAll(cache, 'legacy gateway')).toHaveLength(1200);
      expect(cache.search({ text: 'request', source: 'api', limit: 1 }).rows[0].message).toBe('legacy request 1200 served by gateway');

      const added = cache.insertRecords([logRow(5001, { message: 'fresh gateway timeout' }), logRow(5002, { message: 'fresh gateway ok' })]);
      expect(added.inserted).toBe(2);
      expect(findAll(cache, 'fresh gateway')).toEqual(added.ids);
      expect(findAll(cache, 'gateway')).toHaveLength(1202);
      expect(cache.integrityCheck()).toMatchObject({ ok: true, problems: [] });
    } finally {
      cache.close();
    }
    // and it stays upgraded: reopening runs nothing again
    const again = Cache.open(path);
    try {
      expect(again.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      expect(findAll(again, 'gateway')).toHaveLength(1202);
    } finally {
      again.close();
    }
  });
});

describe('Full-text index on every write path', () => {
  it('finds records from insertRecords (several batches), insertRecord, appendAudit, appendDecision and outbox records', () => {
    t = openTempCache();
    const bulk = Array.from({ length: 25_000 }, (_, i) => logRow(i + 1, { message: `bulk row ${i + 1} quokka` }));
    const res = t.cache.insertRecords(bulk);
    expect(res.inserted).toBe(25_000);
    expect(t.cache.count({ text: 'quokka' })).toBe(25_000);

    const one = t.cache.insertRecord({ kind: 'alert', timestamp: t.clock.now(), severity: 'critical', source: 'alerts', type: 'system_down', message: 'wombat outage' });
    expect(findAll(t.cache, 'wombat')).toEqual([one.id]);

    const audited = t.cache.appendAudit({ kind: 'action', type: 'vacuum', message: 'numbat vacuum finished', metadata: {} });
    expect(findAll(t.cache, 'numbat')).toEqual([audited.recordId]);

    const decision = evaluate(
      { method_type: 'gradual', entropy_increase: 0.01, risk_to_life: 0, geometric_ratio: 1.618034, description: 'deploy the platypus service' },
      0.02,
      { requested_by: 'alice', channel: 'cli', entropy_source: 'manual' },
      t.clock,
    );
    const decided = t.cache.appendDecision(decision, { enqueue: true });
    expect(t.cache.search({ text: 'platypus', kind: 'decision' }).rows.map((r) => r.id)).toEqual([decided.recordId]);

    const queued = t.cache.outbox.enqueue(
      { topic: 'event', idempotencyKey: 'k-echidna', payload: {} },
      { record: { kind: 'event', timestamp: t.clock.now(), type: 'note', message: 'echidna spotted offline' } },
    );
    expect(findAll(t.cache, 'echidna')).toEqual([queued.recordId]);

    // a batch whose new ids are not one run (some rows already cached) is indexed exactly
    const mixed = t.cache.insertRecords([logRow(10, { message: 'dup' }), logRow(90_001, { message: 'kiwi one' }), logRow(20, { message: 'dup' }), logRow(90_002, { message: 'kiwi two' })]);
    expect(mixed).toMatchObject({ inserted: 2, ignored: 2 });
    expect(findAll(t.cache, 'kiwi')).toEqual(mixed.ids);
    expect(t.cache.count({ text: 'dup' })).toBe(0);
    expect(t.cache.integrityCheck()).toMatchObject({ ok: true, problems: [] });
  });

  it('indexes records of several writers inside one caller transaction', () => {
    t = openTempCache();
    t.cache.insertRecords(Array.from({ length: 10 }, (_, i) => logRow(i + 1, { message: `alpha ${i + 1}` })));
    t.cache.transaction(() => {
      const a = t!.cache.insertRecords([logRow(100, { message: 'beta first' })]);
      const b = t!.cache.insertRecord({ kind: 'event', timestamp: t!.clock.now(), message: 'beta middle' });
      const c = t!.cache.insertRecords([logRow(101, { message: 'beta last' })]);
      expect([...a.ids, b.id, ...c.ids]).toHaveLength(3);
    });
    expect(t.cache.count({ text: 'beta' })).toBe(3);
    expect(t.cache.count({ text: 'alpha' })).toBe(10);
    expect(t.cache.integrityCheck().ok).toBe(true);
  });

  it('rolls back records and their index entries together when the transaction fails', () => {
    t = openTempCache();
    expect(() =>
      t!.cache.transaction(() => {
        t!.cache.insertRecords([logRow(1, { message: 'ghost entry' })]);
        throw new Error('writer failed');
      }),
    ).toThrow('writer failed');
    expect(t.cache.count()).toBe(0);
    expect(t.cache.count({ text: 'ghost' })).toBe(0);
    expect(t.cache.integrityCheck().ok).toBe(true);
  });

  it('keeps the index consistent through retention deletes and later inserts', async () => {
    t = openTempCache();
    t.cache.insertRecords(Array.from({ length: 3000 }, (_, i) => logRow(i + 1, { message: `sample ${i + 1} lyrebird` })));
    t.clock.advance(12.5 * 3_600_000); // cutoff = 30 min into the rows
    const report = await t.cache.applyRetention({ maxAgeDays: 1, batchSize: 700 });
    expect(report.deletedByAge).toBe(1799);
    const left = t.cache.count();
    expect(t.cache.count({ text: 'lyrebird' })).toBe(left);
    const more = t.cache.insertRecords(Array.from({ length: 50 }, (_, i) => logRow(10_000 + i, { message: `later ${i} lyrebird` })));
    expect(t.cache.count({ text: 'lyrebird' })).toBe(left + more.inserted);
    expect(t.cache.integrityCheck()).toMatchObject({ ok: true, problems: [] });
  });
});

describe('Indexes after the upgrade', () => {
  it('answers filters on a rare kind, severity or a type from their partial indexes, not by walking every record', () => {
    t = openTempCache();
    t.cache.insertRecords(Array.from({ length: 2000 }, (_, i) => logRow(i + 1, { severity: i % 100 === 0 ? 'error' : 'info' })));
    t.cache.insertRecord({ kind: 'decision', timestamp: t.clock.now(), type: 'approval', message: 'Action approved: deploy' });
    t.cache.db.exec('ANALYZE');
    const plan = (filter: RecordFilter) => {
      const c = compileFilter(filter, t!.clock.now());
      return (t!.cache.db.prepare(`EXPLAIN QUERY PLAN SELECT r.id FROM records r ${whereClause(c)} ORDER BY r.ts DESC, r.id DESC LIMIT 10`).all(...c.params) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    };
    expect(plan({ kind: 'decision' })).toMatch(/INDEX records_kind_ts/);
    expect(plan({ kind: ['decision', 'alert'] })).toMatch(/INDEX records_kind_ts/);
    expect(plan({ type: 'approval' })).toMatch(/INDEX records_type_ts/);
    expect(plan({ severity: ['error'] })).toMatch(/INDEX records_severity_ts/);
    expect(plan({ severity: ['critical', 'error'], source: 'api' })).toMatch(/INDEX records_(severity|source)_ts/);
    expect(t.cache.search({ kind: 'decision' }).rows.map((r) => r.message)).toEqual(['Action approved: deploy']);
    expect(t.cache.search({ type: 'approval' }).rows).toHaveLength(1);
    expect(t.cache.count({ kind: 'log' })).toBe(2000);
    expect(t.cache.count({ kind: ['log', 'decision'] })).toBe(2001);
    expect(t.cache.count({ severity: ['error'] })).toBe(20);
    expect(t.cache.count({ severity: ['info'] })).toBe(1980);
    expect(t.cache.count({ severity: ['info', 'error'] })).toBe(2000);
    expect(t.cache.search({ severity: ['error'], limit: 5 }).rows.map((r) => r.remoteId)).toEqual(['1901', '1801', '1701', '1601', '1501']);
  });
});
