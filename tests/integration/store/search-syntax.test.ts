/**
 * Issue 8: the audit log's search language (OR, NOT/-word, phrases, prefixes, identifiers), search
 * in metadata values and by decision id, exact totals, and the schema-60 upgrade that indexes the
 * metadata of an existing cache. Real SQLite files throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Cache, CacheInputError } from '../../../src/main/core/store/cache';
import { CACHE_APPLICATION_ID, CACHE_SCHEMA_VERSION, MIGRATIONS } from '../../../src/main/core/store/schema';
import { ManualClock } from '../../../src/main/core/clock';
import { evaluate } from '../../../src/main/core/constitution/index';
import { logRow, openTempCache, tempDir, type TempCache } from './helpers';

let t: TempCache | null = null;
const dirs: { cleanup(): void }[] = [];
afterEach(() => {
  t?.cleanup();
  t = null;
  for (const d of dirs.splice(0)) d.cleanup();
});

const corpus = [
  logRow(1, { message: 'connection refused to db-primary', metadata: { ip: '10.0.0.5', user_id: 'u_42' } }),
  logRow(2, { message: 'connection timeout to db-primary', metadata: { ip: '10.0.0.50', request_id: 'req_H3xk9' } }),
  logRow(3, { message: 'payment accepted', metadata: { request_id: 'req_Q7aa', nested: { trace: ['span_abc'] } } }),
  logRow(4, { message: 'retry scheduled after timeout', severity: 'warning', metadata: {} }),
  logRow(5, { message: 'timeout connection pool exhausted', metadata: { ip: '10.0.0.6' } }),
];

function seeded(): Cache {
  t = openTempCache();
  t.cache.insertRecords(corpus);
  return t.cache;
}

function ids(c: Cache, text: string): number[] {
  return c
    .search({ text, limit: 100, withMetadata: true })
    .rows.map((r) => Number((r as { remoteId?: string }).remoteId ?? NaN))
    .sort((a, b) => a - b);
}

function found(c: Cache, text: string): string[] {
  return c.search({ text, limit: 100 }).rows.map((r) => r.message);
}

describe('search syntax', () => {
  it('combines words with AND, and OR joins the words beside it', () => {
    const c = seeded();
    expect(found(c, 'connection timeout')).toEqual(['timeout connection pool exhausted', 'connection timeout to db-primary']);
    expect(found(c, 'refused OR accepted')).toEqual(['payment accepted', 'connection refused to db-primary']);
    // OR binds tighter than AND: connection AND (refused OR exhausted)
    expect(found(c, 'connection refused OR exhausted')).toEqual(['timeout connection pool exhausted', 'connection refused to db-primary']);
    expect(c.count({ text: 'refused OR accepted OR retry' })).toBe(3);
  });

  it('excludes with NOT, a leading -word or -"phrase", also when the query is only exclusions', () => {
    const c = seeded();
    expect(found(c, 'timeout -retry')).toEqual(['timeout connection pool exhausted', 'connection timeout to db-primary']);
    expect(found(c, 'timeout NOT retry -pool')).toEqual(['connection timeout to db-primary']);
    expect(found(c, 'connection -"pool exhausted"')).toEqual(['connection timeout to db-primary', 'connection refused to db-primary']);
    expect(found(c, '-connection')).toEqual(['retry scheduled after timeout', 'payment accepted']);
    expect(c.count({ text: 'NOT timeout' })).toBe(2);
    expect(c.count({ text: '-connection', severity: ['warning'] })).toBe(1);
    // lowercase or / not are words, not operators
    expect(found(c, 'or')).toEqual([]);
  });

  it('matches a quoted phrase in order, and a trailing * as a prefix', () => {
    const c = seeded();
    expect(found(c, '"connection timeout"')).toEqual(['connection timeout to db-primary']);
    expect(found(c, '"timeout connection"')).toEqual(['timeout connection pool exhausted']);
    expect(found(c, 'exhaust*')).toEqual(['timeout connection pool exhausted']);
    expect(found(c, 'exhaust')).toEqual([]);
    expect(found(c, '"pool exh"*')).toEqual(['timeout connection pool exhausted']);
  });

  it('finds identifiers that start with a bare identifier-like word; numbers and addresses match exactly', () => {
    const c = seeded();
    expect(found(c, 'req_H3')).toEqual(['connection timeout to db-primary']);
    expect(found(c, 'req_h3xk9')).toEqual(['connection timeout to db-primary']);
    expect(found(c, 'req_H3*')).toEqual(['connection timeout to db-primary']);
    expect(found(c, 'req_Z')).toEqual([]);
    expect(found(c, '10.0.0.5')).toEqual(['connection refused to db-primary']);
    expect(found(c, '"10.0.0.5"')).toEqual(['connection refused to db-primary']);
    expect(found(c, '10.0.0.5*')).toEqual(['connection timeout to db-primary', 'connection refused to db-primary']);
  });

  it('explains bad syntax in the user\'s words and never passes SQLite errors through', () => {
    const c = seeded();
    const cases: [string, RegExp][] = [
      ['"connection timeout', /unbalanced quote/],
      ['timeout OR', /OR needs a word on each side/],
      ['OR timeout', /OR needs a word on each side/],
      ['a OR OR b', /OR needs a word on each side/],
      ['timeout NOT', /NOT must be followed by a word/],
      ['""', /empty phrase/],
      ['a OR -b', /cannot combine OR with an exclusion/],
      ['NOT -b', /excludes twice/],
    ];
    for (const [text, msg] of cases) {
      expect(() => c.search({ text }), text).toThrow(CacheInputError);
      expect(() => c.search({ text }), text).toThrow(msg);
      expect(() => c.count({ text }), text).toThrow(msg);
    }
  });
});

describe('search in metadata and by decision id', () => {
  it('finds values anywhere in the metadata (IP, user id, nested arrays) but not its keys', () => {
    const c = seeded();
    expect(ids(c, 'u_42')).toEqual([1]);
    expect(ids(c, 'span_abc')).toEqual([3]);
    expect(ids(c, '"10.0.0.6"')).toEqual([5]);
    expect(found(c, 'request_id')).toEqual([]);
    expect(found(c, 'nested')).toEqual([]);
  });

  it('finds a decision record by its decision id, and keeps metadata search right after update and delete', () => {
    const c = seeded();
    const decision = evaluate(
      { method_type: 'gradual', entropy_increase: 0.01, risk_to_life: 0, geometric_ratio: 1.618034, description: 'deploy the platypus service' },
      0.02,
      { requested_by: 'alice', channel: 'cli', entropy_source: 'manual' },
      t!.clock,
    );
    const decided = c.appendDecision(decision, { enqueue: false });
    // the message does not hold the id; the decision's metadata does
    expect(c.getRecord(decided.recordId)!.message).not.toContain(decision.decision_id);
    expect(c.search({ text: decision.decision_id }).rows.map((r) => r.id)).toEqual([decided.recordId]);
    expect(c.search({ text: `"${decision.decision_id}"` }).rows.map((r) => r.id)).toEqual([decided.recordId]);
    c.db.prepare("UPDATE records SET metadata = '{\"ip\":\"192.168.9.9\"}' WHERE remote_id = '1'").run();
    expect(ids(c, 'u_42')).toEqual([]);
    expect(ids(c, '"192.168.9.9"')).toEqual([1]);
    c.db.prepare("DELETE FROM records WHERE remote_id = '3'").run();
    expect(ids(c, 'span_abc')).toEqual([]);
    expect(c.integrityCheck()).toMatchObject({ ok: true });
  });
});

describe('exact totals', () => {
  it('counts exactly what paging returns, for every query form and filter', () => {
    t = openTempCache();
    const rows = Array.from({ length: 1500 }, (_, i) =>
      logRow(i + 1, { message: `request ${i + 1} ${i % 3 === 0 ? 'slow' : 'fast'}`, severity: i % 5 === 0 ? 'error' : 'info', metadata: { user_id: `u_${i % 7}` } }),
    );
    t.cache.insertRecords(rows);
    const c = t.cache;
    for (const filter of [{}, { text: 'slow' }, { text: 'slow -"request 3"' }, { text: 'u_3 OR u_4' }, { text: '-slow' }, { text: 'slow', severity: ['error' as const] }, { severity: ['error' as const] }]) {
      let n = 0;
      let cursor: string | null = null;
      do {
        const page = c.search({ ...filter, limit: 1000, cursor });
        n += page.rows.length;
        cursor = page.nextCursor;
      } while (cursor);
      expect(c.count(filter), JSON.stringify(filter)).toBe(n);
    }
    expect(c.count({})).toBe(1500);
    expect(c.count({ text: 'slow' })).toBe(500);
  });
});

function createVersion50Cache(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`application_id = ${CACHE_APPLICATION_ID}`);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.version <= 50)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.description);
  }
  db.pragma('user_version = 50');
  const insert = db.prepare(
    `INSERT INTO records (kind, origin, remote_table, remote_id, ts, severity, source, type, message, metadata)
     VALUES (?, 'remote', 'ops.roman_events', ?, ?, 'info', 'api', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 1; i <= 300; i++) {
      insert.run('event', String(i), Date.parse('2026-02-01T00:00:00Z') + i * 1000, null, `old event ${i}`, JSON.stringify({ ip: `172.16.0.${i % 250}`, request_id: `req_old${i}` }));
    }
    insert.run('decision', 'd1', Date.parse('2026-02-02T00:00:00Z'), 'approval', 'approved: restart worker', JSON.stringify({ decision_id: 'dec-legacy-0001' }));
    insert.run('log', 'bad', Date.parse('2026-02-02T00:00:01Z'), null, 'metadata that is not json', 'not json {');
  })();
  // v1–v2 indexed message/source/type (the v2 writers do it per batch)
  db.exec('INSERT INTO records_fts (rowid, message, source, type) SELECT id, message, source, type FROM records');
  db.close();
}

describe('schema 60 upgrade', () => {
  it('indexes the metadata of every record already cached, loses nothing, and keeps old searches working', () => {
    const d = tempDir('roman-meta-upgrade-');
    dirs.push(d);
    const path = join(d.dir, 'v50.sqlite');
    createVersion50Cache(path);
    const cache = Cache.open(path, { clock: new ManualClock('2026-03-01T12:00:00Z') });
    try {
      expect(cache.db.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION);
      expect(cache.count({})).toBe(302);
      expect(cache.count({ text: 'old event' })).toBe(300);
      expect(cache.search({ text: '"req_old17"' }).rows.map((r) => r.message)).toEqual(['old event 17']);
      expect(cache.count({ text: '"172.16.0.7"' })).toBe(2); // 7 and 257
      expect(cache.search({ text: 'dec-legacy-0001' }).rows.map((r) => r.message)).toEqual(['approved: restart worker']);
      expect(cache.search({ text: 'json' }).rows.map((r) => r.message)).toEqual(['metadata that is not json']);
      expect(cache.integrityCheck()).toMatchObject({ ok: true });
      const added = cache.insertRecords([logRow(9001, { message: 'fresh', metadata: { ip: '203.0.113.9' } })]);
      expect(added.inserted).toBe(1);
      expect(cache.search({ text: '"203.0.113.9"' }).rows.map((r) => r.message)).toEqual(['fresh']);
    } finally {
      cache.close();
    }
  });
});
