import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Cache, CacheInputError, CacheNotFoundError, CacheSchemaError } from '../../../src/main/core/store/cache';
import { CACHE_SCHEMA_VERSION, MIGRATIONS } from '../../../src/main/core/store/schema';
import type { NewRecord } from '../../../src/main/core/store/records';
import type { StoredRecord } from '../../../src/shared/store';
import { logRow, openTempCache, tempDir, type TempCache } from './helpers';

let t: TempCache | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const ts = (s: string) => new Date(s);

const corpus: NewRecord[] = [
  { kind: 'log', remoteTable: 'public.system_logs', remoteId: 1, timestamp: ts('2026-02-20T10:00:00Z'), severity: 'error', source: 'api', message: 'Connection refused to db-primary:5432' },
  { kind: 'log', remoteTable: 'public.system_logs', remoteId: 2, timestamp: ts('2026-02-21T10:00:00Z'), severity: 'warning', source: 'auth', message: 'User said "hello" AND left' },
  { kind: 'log', remoteTable: 'public.system_logs', remoteId: 3, timestamp: ts('2026-02-22T10:00:00Z'), severity: 'info', source: 'billing', message: 'Stripe webhook NEAR( signature * failed' },
  { kind: 'log', remoteTable: 'public.system_logs', remoteId: 4, timestamp: ts('2026-02-23T10:00:00Z'), severity: 'critical', source: 'db', message: 'Deadlock detected on table "orders"' },
  { kind: 'log', remoteTable: 'public.system_logs', remoteId: 5, timestamp: ts('2026-02-24T10:00:00Z'), severity: 'info', source: 'api', message: 'connection pool resized to 20' },
  { kind: 'event', remoteTable: 'ops.roman_events', remoteId: 1, timestamp: ts('2026-02-25T10:00:00Z'), severity: 'warning', source: null, type: 'rejection', message: 'Action rejected: delete production database' },
  { kind: 'alert', timestamp: ts('2026-02-26T10:00:00Z'), severity: 'critical', source: 'alerts', type: 'system_down', message: 'System Down: 14 errors in 1 minute' },
];

function messages(rows: StoredRecord[]): string[] {
  return rows.map((r) => r.message);
}

describe('Cache schema', () => {
  it('creates a fresh cache at the current schema version with WAL and foreign keys on', () => {
    t = openTempCache();
    expect(t.cache.db.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION);
    expect(t.cache.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(t.cache.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(t.cache.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(t.cache.db.pragma('auto_vacuum', { simple: true })).toBe(2); // INCREMENTAL
    const migrations = t.cache.db.prepare('SELECT version FROM schema_migrations').all();
    expect(migrations).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(migrations.at(-1)).toEqual({ version: CACHE_SCHEMA_VERSION });
  });

  it('reopens an existing cache without re-running migrations and keeps its records', () => {
    t = openTempCache();
    t.cache.insertRecords(corpus);
    t.cache.close();
    const again = Cache.open(t.path);
    expect(again.count()).toBe(corpus.length);
    expect(again.db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
    again.close();
  });

  it('refuses to open a cache written by a newer version and leaves it untouched', () => {
    t = openTempCache();
    t.cache.insertRecords(corpus);
    t.cache.close();
    const raw = new Database(t.path);
    raw.pragma(`user_version = ${CACHE_SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => Cache.open(t!.path)).toThrow(CacheSchemaError);
    expect(() => Cache.open(t!.path)).toThrow(/newer than this build supports/);
    const check = new Database(t.path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION + 5);
    expect(check.prepare('SELECT count(*) AS n FROM records').get()).toEqual({ n: corpus.length });
    check.close();
  });

  it("refuses to turn another application's SQLite database into a cache", () => {
    const d = tempDir();
    try {
      const path = join(d.dir, 'other.sqlite');
      const raw = new Database(path);
      raw.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
      raw.close();
      expect(() => Cache.open(path)).toThrow(/not a R\.O\.M\.A\.N\. cache/);
      const check = new Database(path, { readonly: true });
      expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'customers' }]);
      check.close();
    } finally {
      d.cleanup();
    }
  });

  it('reports a missing file instead of creating one when asked not to create', () => {
    const d = tempDir();
    try {
      const path = join(d.dir, 'missing.sqlite');
      expect(() => Cache.open(path, { create: false })).toThrow(CacheNotFoundError);
      expect(existsSync(path)).toBe(false);
    } finally {
      d.cleanup();
    }
  });

  it('refuses a file that is not an SQLite database', () => {
    const d = tempDir();
    try {
      const path = join(d.dir, 'garbage.sqlite');
      writeFileSync(path, 'this is not a database, just text '.repeat(200));
      expect(() => Cache.open(path)).toThrow();
    } finally {
      d.cleanup();
    }
  });
});

describe('Cache inserts', () => {
  it('ignores rows whose remote table + id is already cached, also within one batch', () => {
    t = openTempCache();
    const first = t.cache.insertRecords(corpus);
    expect(first).toMatchObject({ inserted: 7, ignored: 0 });
    const again = t.cache.insertRecords([...corpus, corpus[0]]);
    expect(again).toMatchObject({ inserted: 1, ignored: 7 }); // only the local alert is new again
    expect(t.cache.count({ kind: 'log' })).toBe(5);
    expect(t.cache.count()).toBe(8);
  });

  it('treats the same remote id in different tables as different records', () => {
    t = openTempCache();
    t.cache.insertRecords([logRow(1), { ...logRow(1), kind: 'event', remoteTable: 'ops.roman_events' }]);
    expect(t.cache.count()).toBe(2);
  });

  it('rejects an invalid batch as a whole, writing nothing', () => {
    t = openTempCache();
    const bad = [logRow(1), { ...logRow(2), timestamp: 'yesterday-ish' }, logRow(3)];
    expect(() => t!.cache.insertRecords(bad)).toThrow(CacheInputError);
    expect(() => t!.cache.insertRecords(bad)).toThrow(/record 1: invalid timestamp/);
    expect(t.cache.count()).toBe(0);
    expect(() => t!.cache.insertRecords([{ ...logRow(4), kind: 'gossip' as never }])).toThrow(/unknown kind "gossip"/);
  });

  it('stores the valid rows and reports the invalid ones with skipInvalid', () => {
    t = openTempCache();
    const r = t.cache.insertRecords([logRow(1), { ...logRow(2), timestamp: Number.NaN }, logRow(3)], { skipInvalid: true });
    expect(r.inserted).toBe(2);
    expect(r.invalid).toEqual([{ index: 1, reason: expect.stringMatching(/invalid timestamp/) }]);
  });

  it('normalises Postgres timestamp text, severity case and metadata', () => {
    t = openTempCache();
    const { ids } = t.cache.insertRecords([
      { kind: 'log', remoteTable: 'public.system_logs', remoteId: '9', timestamp: '2026-02-01 08:30:00.123456+00', severity: 'ERROR', message: 'x', metadata: { ip: '10.0.0.1', status: 503 } },
      { kind: 'log', remoteTable: 'public.system_logs', remoteId: '10', timestamp: '2026-02-01T10:30:00+02:00', message: 'y', metadata: '{"a":1}' },
    ]);
    const a = t.cache.getRecord(ids[0])!;
    expect(a.timestamp).toBe('2026-02-01T08:30:00.123Z');
    expect(a.severity).toBe('error');
    expect(a.metadata).toEqual({ ip: '10.0.0.1', status: 503 });
    const b = t.cache.getRecord(ids[1])!;
    expect(b.timestamp).toBe('2026-02-01T08:30:00.000Z');
    expect(b.metadata).toEqual({ a: 1 });
  });

  it('commits rows and the sync cursor together, or neither', () => {
    t = openTempCache();
    expect(() =>
      t!.cache.transaction(() => {
        t!.cache.insertRecords([logRow(1), logRow(2)]);
        t!.cache.setSyncCursor('public.system_logs', '2');
        throw new Error('network dropped mid-batch');
      }),
    ).toThrow('network dropped');
    expect(t.cache.count()).toBe(0);
    expect(t.cache.syncCursor('public.system_logs')).toBeNull();

    t.cache.transaction(() => {
      t!.cache.insertRecords([logRow(1), logRow(2)]);
      t!.cache.setSyncCursor('public.system_logs', '2');
    });
    expect(t.cache.count()).toBe(2);
    expect(t.cache.syncCursor('public.system_logs')).toBe('2');
    expect(t.cache.status().lastSyncedAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('announces which kinds changed only after a commit', () => {
    t = openTempCache();
    const seen: string[][] = [];
    t.cache.onChange(({ kinds }) => seen.push([...kinds].sort()));
    try {
      t.cache.transaction(() => {
        t!.cache.insertRecords([logRow(1)]);
        throw new Error('rollback');
      });
    } catch {
      // expected
    }
    expect(seen).toEqual([]);
    t.cache.transaction(() => {
      t!.cache.insertRecords([logRow(1)]);
      t!.cache.insertRecords([{ kind: 'alert', timestamp: Date.now(), message: 'a' }]);
    });
    expect(seen).toEqual([['alert', 'log']]);
    t.cache.insertRecords([logRow(1)]); // duplicate: nothing changed
    expect(seen).toHaveLength(1);
  });
});

describe('Cache search', () => {
  function seeded(): Cache {
    t = openTempCache();
    t.cache.insertRecords(corpus);
    return t.cache;
  }

  it('finds words case-insensitively, newest first', () => {
    const c = seeded();
    expect(messages(c.search({ text: 'CONNECTION' }).rows)).toEqual(['connection pool resized to 20', 'Connection refused to db-primary:5432']);
  });

  it('requires every term and supports a word prefix with a trailing *', () => {
    const c = seeded();
    expect(messages(c.search({ text: 'connection refused' }).rows)).toEqual(['Connection refused to db-primary:5432']);
    expect(messages(c.search({ text: 'conn*' }).rows)).toHaveLength(2);
    expect(messages(c.search({ text: 'dead*' }).rows)).toEqual(['Deadlock detected on table "orders"']);
  });

  it('treats FTS syntax other than the search syntax in user text as plain text', () => {
    const c = seeded();
    expect(messages(c.search({ text: 'AND' }).rows)).toEqual(['User said "hello" AND left']);
    expect(messages(c.search({ text: 'NEAR(' }).rows)).toEqual(['Stripe webhook NEAR( signature * failed']);
    expect(messages(c.search({ text: '*' }).rows)).toEqual(['Stripe webhook NEAR( signature * failed']);
    expect(messages(c.search({ text: '\'"\'' }).rows)).toEqual([]);
    expect(messages(c.search({ text: '"hello"' }).rows)).toEqual(['User said "hello" AND left']);
    expect(() => c.search({ text: '"orders' })).toThrow(/unbalanced quote/);
    expect(c.search({ text: 'source:api' }).rows).toEqual([]);
    expect(() => c.search({ text: 'NOT connection OR' })).toThrow(/OR needs a word on each side/);
  });

  it('never fails on arbitrary user text', () => {
    const c = seeded();
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: 'binary' }), (text) => {
        // Either a page, or bad search syntax explained in the user's words (never SQLite's).
        try {
          const page = c.search({ text, limit: 10 });
          expect(page.rows.length).toBeLessThanOrEqual(corpus.length);
          expect(c.count({ text })).toBeGreaterThanOrEqual(page.rows.length);
        } catch (err) {
          expect(err).toBeInstanceOf(CacheInputError);
          expect((err as Error).message).toMatch(/quote|OR|NOT|phrase|exclu/);
          expect((err as Error).message).not.toMatch(/fts5|sqlite|syntax error/i);
        }
      }),
      { numRuns: 300 },
    );
    for (const hostile of ["'", '(', ')', 'NEAR(a b', '^x', '-x', 'x:', '{a b}', '\\', '\u0000', 'a AND AND b']) {
      expect(() => c.search({ text: hostile })).not.toThrow();
    }
    for (const bad of ['"', 'a OR', 'OR a', 'a OR OR b', 'NOT', 'a NOT', '"unclosed phrase', '""', 'a OR -b']) {
      expect(() => c.search({ text: bad }), bad).toThrow(CacheInputError);
    }
  });

  it('searches source and type too', () => {
    const c = seeded();
    expect(messages(c.search({ text: 'billing' }).rows)).toEqual(['Stripe webhook NEAR( signature * failed']);
    expect(messages(c.search({ text: 'rejection' }).rows)).toEqual(['Action rejected: delete production database']);
  });

  it('filters by severity, source, type, kind and time and combines filters with text', () => {
    const c = seeded();
    expect(messages(c.search({ severity: ['error', 'critical'] }).rows)).toEqual([
      'System Down: 14 errors in 1 minute',
      'Deadlock detected on table "orders"',
      'Connection refused to db-primary:5432',
    ]);
    expect(c.count({ source: 'api' })).toBe(2);
    expect(c.count({ source: 'api', text: 'refused' })).toBe(1);
    expect(messages(c.search({ type: 'system_down' }).rows)).toEqual(['System Down: 14 errors in 1 minute']);
    expect(c.count({ kind: ['event', 'alert'] })).toBe(2);
    expect(c.count({ origin: 'local' })).toBe(1);
    expect(messages(c.search({ since: '2026-02-22T10:00:00Z', until: '2026-02-24T10:00:00Z' }).rows)).toEqual([
      'Deadlock detected on table "orders"',
      'Stripe webhook NEAR( signature * failed',
    ]);
    // relative to the cache clock (2026-03-01T12:00Z): the last 5 days and a half
    expect(c.count({ since: '132h' })).toBe(3);
    expect(c.count({ severity: ['warning'], text: 'hello' })).toBe(1);
  });

  it('rejects bad filters with a clear error', () => {
    const c = seeded();
    expect(() => c.search({ since: 'last tuesday' })).toThrow(/invalid time "last tuesday"/);
    expect(() => c.search({ kind: 'gossip' as never })).toThrow(/unknown kind/);
    expect(() => c.search({ limit: 0 })).toThrow(/limit/);
    expect(() => c.search({ cursor: 'not-a-cursor' })).toThrow(/invalid cursor/);
  });

  it('returns metadata in the detailed record', () => {
    const c = seeded();
    t!.cache.insertRecords([logRow(100, { metadata: { latency_ms: 2400, ip: '10.0.0.9' } })]);
    const [row] = c.search({ text: 'request 100' }).rows;
    expect(c.getRecord(row.id)!.metadata).toEqual({ latency_ms: 2400, ip: '10.0.0.9' });
    expect(c.getRecord(999_999)).toBeNull();
  });
});

describe('Cache keyset pagination', () => {
  function pageAll(c: Cache, filter: Parameters<Cache['search']>[0], limit: number): StoredRecord[] {
    const out: StoredRecord[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10_000; i++) {
      const page = c.search({ ...filter, limit, cursor });
      out.push(...page.rows);
      if (!page.nextCursor) return out;
      expect(page.rows).toHaveLength(limit);
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  function expectedOrder(c: Cache, where = ''): number[] {
    return (c.db.prepare(`SELECT id FROM records ${where} ORDER BY ts DESC, id DESC`).all() as { id: number }[]).map((r) => r.id);
  }

  it('visits every record exactly once, also when many share a timestamp', () => {
    t = openTempCache();
    const rows: NewRecord[] = [];
    for (let i = 0; i < 1000; i++) {
      // 20 distinct timestamps, inserted in a shuffled order
      const id = (i * 7919) % 1000;
      rows.push(logRow(id, { timestamp: new Date(Date.parse('2026-02-01T00:00:00Z') + (id % 20) * 60_000), severity: id % 3 === 0 ? 'error' : 'info', message: `request ${id} ${id % 2 ? 'odd' : 'even'}` }));
    }
    t.cache.insertRecords(rows);
    for (const limit of [1, 7, 37, 100, 1000]) {
      const got = pageAll(t.cache, {}, limit).map((r) => r.id);
      expect(new Set(got).size).toBe(got.length);
      expect(got).toEqual(expectedOrder(t.cache));
    }
    const errors = pageAll(t.cache, { severity: ['error'] }, 23).map((r) => r.id);
    expect(errors).toEqual(expectedOrder(t.cache, "WHERE severity = 'error'"));
    const odd = pageAll(t.cache, { text: 'odd' }, 41).map((r) => r.id);
    expect(odd).toHaveLength(500);
    expect(odd).toEqual(expectedOrder(t.cache, "WHERE message LIKE '% odd'"));
  });

  it('returns the same pages whichever plan runs a text search', () => {
    t = openTempCache();
    // first 3000 rows arrive in time order (ids follow time), then 600 late rows from the past
    const rows: NewRecord[] = [];
    for (let i = 0; i < 3000; i++) {
      rows.push(logRow(i, { timestamp: Date.parse('2026-02-01T00:00:00Z') + Math.floor(i / 3) * 1000, severity: i % 4 ? 'info' : 'error', message: `job ${i} ${i % 5 === 0 ? 'timeout' : 'done'}` }));
    }
    for (let i = 0; i < 600; i++) {
      rows.push(logRow(10_000 + i, { timestamp: Date.parse('2026-02-01T00:00:00Z') + ((i * 37) % 1000) * 1000, severity: 'info', message: `late ${i} ${i % 2 ? 'timeout' : 'done'}` }));
    }
    t.cache.insertRecords(rows);
    for (const filter of [{ text: 'timeout' }, { text: 'timeout', severity: ['error'] }, { text: 'done', since: '2026-02-01T00:10:00Z' }, { text: 'late timeout' }]) {
      const truth = pageAll(t.cache, { ...filter, plan: 'lookup' }, 1000).map((r) => r.id);
      expect(truth.length).toBeGreaterThan(50);
      for (const plan of ['scan', 'window'] as const) {
        for (const limit of [13, 100]) expect(pageAll(t.cache, { ...filter, plan }, limit).map((r) => r.id)).toEqual(truth);
      }
      expect(pageAll(t.cache, filter, 29).map((r) => r.id)).toEqual(truth);
    }
  });

  it('returns the right page for a common term when ids do not follow time at all', () => {
    t = openTempCache();
    const n = 40_000;
    const rows: NewRecord[] = [];
    for (let i = 0; i < n; i++) {
      const when = (i * 7_919) % n; // a permutation: insertion order unrelated to time
      rows.push(logRow(i, { timestamp: Date.parse('2026-02-01T00:00:00Z') + when * 1000, message: `tick ${when} ${when % 3 ? 'ok' : 'slow'}` }));
    }
    t.cache.insertRecords(rows);
    const truth = t.cache.search({ text: 'slow', limit: 60, plan: 'lookup' });
    const auto = t.cache.search({ text: 'slow', limit: 60 });
    const windowed = t.cache.search({ text: 'slow', limit: 60, plan: 'window' });
    expect(auto).toEqual(truth);
    expect(windowed).toEqual(truth);
    expect(t.cache.search({ text: 'slow', limit: 60, cursor: auto.nextCursor })).toEqual(t.cache.search({ text: 'slow', limit: 60, cursor: truth.nextCursor, plan: 'lookup' }));
  });

  it('keeps later pages stable while new records arrive', () => {
    t = openTempCache();
    t.cache.insertRecords(Array.from({ length: 50 }, (_, i) => logRow(i)));
    const first = t.cache.search({ limit: 20 });
    // newer rows and rows with the same timestamp as the page boundary arrive between page loads
    const boundary = first.rows[first.rows.length - 1];
    t.cache.insertRecords([logRow(1000), logRow(1001, { timestamp: boundary.timestamp })]);
    const rest = pageAll(t.cache, {}, 20);
    const afterCursor: StoredRecord[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const p = t.cache.search({ limit: 20, cursor });
      afterCursor.push(...p.rows);
      cursor = p.nextCursor;
    }
    const seen = [...first.rows, ...afterCursor].map((r) => r.remoteId);
    expect(new Set(seen).size).toBe(seen.length);
    for (let i = 0; i < 50; i++) expect(seen).toContain(String(i));
    expect(rest).toHaveLength(52);
  });
});

describe('Cache retention', () => {
  it('deletes records older than maxAgeDays but keeps chained audit records', async () => {
    t = openTempCache('2026-03-10T00:00:00Z');
    const day = 86_400_000;
    const base = Date.parse('2026-03-10T00:00:00Z');
    t.cache.insertRecords(Array.from({ length: 10 }, (_, d) => logRow(d, { timestamp: base - (d + 0.5) * day, message: `day ${d} marker` })));
    t.cache.appendAudit({ kind: 'action', timestamp: base - 9 * day, message: 'VACUUM ANALYZE executed', metadata: { ok: true } });
    const report = await t.cache.applyRetention({ maxAgeDays: 3, batchSize: 2 });
    expect(report.deletedByAge).toBe(7);
    expect(t.cache.count({ kind: 'log' })).toBe(3);
    expect(t.cache.search({ text: 'marker' }).rows.map((r) => r.message)).toEqual(['day 0 marker', 'day 1 marker', 'day 2 marker']);
    expect(t.cache.count({ kind: 'action' })).toBe(1);
    expect(t.cache.verifyAuditChain().valid).toBe(true);
    expect(t.cache.integrityCheck().ok).toBe(true);
  });

  it('deletes the oldest records until the file fits maxBytes, and gives the space back', async () => {
    t = openTempCache();
    const filler = 'x'.repeat(300);
    for (let b = 0; b < 4; b++) {
      t.cache.insertRecords(Array.from({ length: 2500 }, (_, i) => logRow(b * 2500 + i, { message: `payload ${b * 2500 + i} ${filler}` })));
    }
    t.cache.appendAudit({ kind: 'decision', timestamp: '2026-01-01T00:00:00Z', message: 'Action approved: deploy to staging' });
    t.cache.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(t.path).size;
    const maxBytes = Math.floor(t.cache.usedBytes() / 2);
    const report = await t.cache.applyRetention({ maxBytes });
    expect(report.overBudget).toBe(false);
    expect(report.sizeAfter).toBeLessThanOrEqual(maxBytes);
    expect(statSync(t.path).size).toBeLessThan(before);
    expect(report.deletedBySize).toBeGreaterThan(4000);
    // oldest first: every remaining log is newer than every deleted one
    const remaining = t.cache.db.prepare("SELECT min(CAST(remote_id AS INTEGER)) AS lo, count(*) AS n FROM records WHERE kind = 'log'").get() as { lo: number; n: number };
    expect(remaining.lo).toBe(10_000 - remaining.n);
    expect(t.cache.count({ kind: 'decision' })).toBe(1);
    expect(t.cache.verifyAuditChain().valid).toBe(true);
    expect(t.cache.integrityCheck()).toMatchObject({ ok: true, problems: [] });
  });
});

describe('Cache export', () => {
  /** Minimal RFC 4180 reader, to check what a spreadsheet would read back. */
  function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        row.push(field);
        field = '';
      } else if (ch === '\r' && text[i + 1] === '\n') {
        row.push(field);
        rows.push(row);
        row = [];
        field = '';
        i++;
      } else field += ch;
    }
    if (field || row.length) {
      row.push(field);
      rows.push(row);
    }
    return rows;
  }

  async function exportText(c: Cache, format: 'csv' | 'jsonl', filter = {}, opts = {}) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (b: Buffer) => chunks.push(b));
    const result = await c.exportRecords(filter, format, out, opts);
    out.end();
    return { text: Buffer.concat(chunks).toString('utf8'), result };
  }

  it('quotes commas, quotes and line breaks in CSV so every field reads back intact', async () => {
    t = openTempCache();
    const tricky = 'He said "stop", then\r\nleft; more,commas\nand "quotes"';
    t.cache.insertRecords([...corpus, logRow(50, { message: tricky, source: ' padded ', metadata: { note: 'a,"b"' } })]);
    const { text, result } = await exportText(t.cache, 'csv');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['id', 'timestamp', 'kind', 'origin', 'severity', 'source', 'type', 'message', 'remote_table', 'remote_id', 'chain_seq', 'metadata']);
    expect(rows).toHaveLength(corpus.length + 2);
    expect(result.rows).toBe(corpus.length + 1);
    const trickyRow = rows.find((r) => r[9] === '50')!;
    expect(trickyRow[7]).toBe(tricky);
    expect(trickyRow[5]).toBe(' padded ');
    expect(JSON.parse(trickyRow[11])).toEqual({ note: 'a,"b"' });
  });

  it('CSV export neutralises spreadsheet formulas: a text cell starting with = + - @ tab or CR gets a leading apostrophe', async () => {
    t = openTempCache();
    const formulas = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tcmd', '\r=1'];
    t.cache.insertRecords([
      ...formulas.map((message, i) => logRow(60 + i, { message, source: i === 0 ? '=cmd|"/c calc"!A1' : 'api' })),
      logRow(70, { message: 'plain text - with a dash inside', source: 'api' }),
    ]);
    const { text } = await exportText(t.cache, 'csv');
    const rows = parseCsv(text);
    for (const [i, f] of formulas.entries()) {
      const row = rows.find((r) => r[9] === String(60 + i))!;
      expect(row[7]).toBe(`'${f}`);
    }
    expect(rows.find((r) => r[9] === '60')![5]).toBe(`'=cmd|"/c calc"!A1`);
    expect(rows.find((r) => r[9] === '70')![7]).toBe('plain text - with a dash inside');
    // Numbers stay numbers: the id column is never prefixed.
    expect(rows.slice(1).every((r) => /^\d+$/.test(r[0]))).toBe(true);
  });

  it('writes one JSON object per line with the filter applied', async () => {
    t = openTempCache();
    t.cache.insertRecords([...corpus, logRow(51, { message: 'line one\nline two', severity: 'error', metadata: { ip: '1.2.3.4' } })]);
    const { text } = await exportText(t.cache, 'jsonl', { severity: ['error'] });
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.message)).toEqual(['line one\nline two', 'Connection refused to db-primary:5432']);
    expect(lines[0]).toMatchObject({ severity: 'error', kind: 'log', remoteId: '51', metadata: { ip: '1.2.3.4' } });
  });

  it('stops at maxRows and says the export was truncated', async () => {
    t = openTempCache();
    t.cache.insertRecords(corpus);
    const { text, result } = await exportText(t.cache, 'jsonl', {}, { maxRows: 3 });
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(result).toMatchObject({ rows: 3, truncated: true });
  });
});

describe('Cache integrity and status', () => {
  it('reports ok on a healthy cache and finds a full-text index that no longer matches its records', () => {
    t = openTempCache();
    t.cache.insertRecords(corpus);
    expect(t.cache.integrityCheck()).toMatchObject({ ok: true, problems: [] });
    t.cache.db.exec('DROP TRIGGER records_fts_delete');
    t.cache.db.prepare('DELETE FROM records WHERE remote_id = ?').run('1');
    const report = t.cache.integrityCheck();
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/full-text index/);
    t.cache.rebuildSearchIndex();
    expect(t.cache.integrityCheck().ok).toBe(true);
  });

  it('summarises rows, range, size, sync and outbox', () => {
    t = openTempCache();
    t.cache.insertRecords(corpus);
    t.cache.outbox.enqueue({ topic: 'event', idempotencyKey: 'k1', payload: {} });
    const s = t.cache.status();
    expect(s).toMatchObject({
      rows: 7,
      rowsByKind: { log: 5, event: 1, alert: 1 },
      oldest: '2026-02-20T10:00:00.000Z',
      newest: '2026-02-26T10:00:00.000Z',
      lastSyncedAt: null,
      outboxPending: 1,
      auditEntries: 0,
      schemaVersion: CACHE_SCHEMA_VERSION,
    });
    expect(s.sizeBytes).toBeGreaterThan(0);
  });
});

describe('Cache maintenance job', () => {
  it('runs retention and the integrity check on demand and reports them', async () => {
    const { startCacheMaintenance } = await import('../../../src/main/core/store/maintenance');
    t = openTempCache('2026-03-10T00:00:00Z');
    t.cache.insertRecords([logRow(1, { timestamp: '2026-01-01T00:00:00Z' }), logRow(2, { timestamp: '2026-03-09T00:00:00Z' })]);
    const retention: unknown[] = [];
    const integrity: unknown[] = [];
    const job = startCacheMaintenance(t.cache, {
      retention: { maxAgeDays: 30 },
      onRetention: (r) => retention.push(r),
      onIntegrity: (r) => integrity.push(r),
    });
    try {
      expect(await job.runRetention()).toMatchObject({ deletedByAge: 1 });
      expect(await job.runIntegrityCheck()).toMatchObject({ ok: true });
      expect(retention).toHaveLength(1);
      expect(integrity).toHaveLength(1);
      expect(t.cache.count()).toBe(1);
    } finally {
      job.stop();
    }
    expect(await job.runRetention()).toBeNull();
  });
});
