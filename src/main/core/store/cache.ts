/**
 * The local SQLite cache (capability 10): one file per connection profile holding everything the app
 * has seen (`records`, searchable with FTS5), the sync cursors, the outbox of writes made while
 * Postgres was unreachable, and the hash-chained audit trail.
 *
 * API for the sync side (src/main/core/sync/**):
 *   const cache = Cache.open(defaultCachePath(url), { clock });
 *   cache.transaction(() => {                       // one SQLite transaction, synchronous fn only
 *     cache.insertRecords(rows);                     // INSERT OR IGNORE on (remoteTable, remoteId)
 *     cache.setSyncCursor('public.system_logs', c);  // opaque text, yours to define
 *   });
 *   cache.syncCursor('public.system_logs');          // → string | null
 *   await cache.outbox.drain(async (item) => { ...write item.payload to Postgres... });
 *
 * Durability: WAL + synchronous=NORMAL, so a committed transaction survives the process being
 * killed; outbox and audit appends additionally sync the WAL (synchronous=FULL) so they also survive
 * a power cut. Everything here is synchronous (better-sqlite3) except export and retention, which
 * yield between batches so the Electron main process keeps breathing.
 */
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { systemClock, type Clock } from '../clock';
import {
  type AuditVerification,
  type CacheStatus,
  type ExportFormat,
  type RecordFilter,
  type RecordKind,
  type RecordPage,
  type StoredRecord,
  type StoredRecordDetail,
} from '../../../shared/store';
import { CACHE_SCHEMA_VERSION, migrate } from './schema';
import { RECORD_COLUMNS, parseMetadata, prepareRow, toStoredRecord, type NewRecord, type PreparedRow, type RecordRow } from './records';
import { CacheInputError, addKeyset, compileFilter, decodeCursor, encodeCursor, whereClause, type Keyset } from './query';
import { Outbox } from './outbox';
import { AuditChain, type AppendedEntry, type AuditEntryInput } from './audit-chain';
import { TriageStore } from './triage';
import type { Decision } from '../../../shared/constitution';
import { readAiUsageFromCache, type AiUsageInput } from '../metrics/ai-usage';
import { writeExport, type ExportOptions, type ExportResult } from './export';

/** How many of the newest records the integrity check compares with the full-text index. */
const INDEX_TEXT_SAMPLE = 1000;

export { CacheInputError } from './query';
export { CacheSchemaError } from './schema';
export type { NewRecord } from './records';

export interface InsertResult {
  inserted: number;
  /** Already present (same remoteTable + remoteId). */
  ignored: number;
  /** Only with `skipInvalid`: rows that were not stored and why. */
  invalid: { index: number; reason: string }[];
  /** Local ids of the inserted rows (in input order; ignored/invalid rows absent). */
  ids: number[];
}

export interface CacheOpenOptions {
  clock?: Clock;
  /** Create the file (and its folder) when missing. Default true; the CLI passes false. */
  create?: boolean;
  /** SQLite page cache in MiB (default 32). */
  cacheSizeMiB?: number;
}

export interface RetentionOptions {
  /** Delete records older than this many days (chained audit records are always kept). */
  maxAgeDays?: number;
  /** Delete the oldest records until the database file is at most this size. */
  maxBytes?: number;
  /** Rows per delete transaction (default 5000). */
  batchSize?: number;
}

export interface RetentionReport {
  deletedByAge: number;
  deletedBySize: number;
  outboxPurged: number;
  sizeBefore: number;
  sizeAfter: number;
  /** True when maxBytes could not be reached without deleting chained audit records. */
  overBudget: boolean;
}

export interface IntegrityReport {
  ok: boolean;
  problems: string[];
  checkedAt: string;
}

export interface SearchOptions extends RecordFilter {
  /** Page size, 1..1000 (default 100). */
  limit?: number;
  cursor?: string | null;
  /** Include metadata in each row (default false). */
  withMetadata?: boolean;
  /**
   * How a text search is executed (default: chosen from how many rows match). Every plan returns
   * the same rows; this exists for diagnostics and for tests that check exactly that.
   */
  plan?: 'lookup' | 'scan' | 'window';
}

export type ChangeListener = (change: { kinds: RecordKind[] }) => void;

const INSERT_BATCH = 10_000;
/**
 * Rows per multi-row INSERT statement: one call into SQLite per 64 rows instead of per row (the
 * per-call cost was ~1 µs a row). 64 × 10 parameters stays far below SQLITE_MAX_VARIABLE_NUMBER.
 */
const ROWS_PER_STATEMENT = 64;
const INSERT_COLUMNS = 'kind, origin, remote_table, remote_id, ts, severity, source, type, message, metadata';

export class Cache {
  readonly outbox: Outbox;
  readonly audit: AuditChain;
  /** Error patterns (capability 5): the fingerprinter's model and what it grouped. */
  readonly triage: TriageStore;
  readonly schemaVersion = CACHE_SCHEMA_VERSION;
  private readonly insertStmt: BetterSqlite3.Statement;
  /** INSERT OR IGNORE of n rows (index n) RETURNING id, kind of the rows actually inserted. */
  private readonly insertManyStmts: (BetterSqlite3.Statement | undefined)[] = [];
  private readonly indexRangeStmt: BetterSqlite3.Statement;
  private readonly indexListStmt: BetterSqlite3.Statement;
  private readonly listeners = new Set<ChangeListener>();
  private pendingKinds = new Set<RecordKind>();
  private closed = false;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  private constructor(
    readonly db: BetterSqlite3.Database,
    readonly path: string,
    readonly clock: Clock,
  ) {
    this.insertStmt = db.prepare(`INSERT OR IGNORE INTO records (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.indexRangeStmt = db.prepare(
      'INSERT INTO records_fts (rowid, message, source, type, meta) SELECT id, message, source, type, meta FROM records_search WHERE id BETWEEN ? AND ?',
    );
    this.indexListStmt = db.prepare(
      'INSERT INTO records_fts (rowid, message, source, type, meta) SELECT id, message, source, type, meta FROM records_search WHERE id IN (SELECT value FROM json_each(?))',
    );
    this.outbox = new Outbox(this);
    this.audit = new AuditChain(this);
    this.triage = new TriageStore(this);
  }

  /** Opens (creating when allowed) and migrates a cache file. Throws CacheSchemaError for newer files. */
  static open(path: string, opts: CacheOpenOptions = {}): Cache {
    const create = opts.create ?? true;
    if (!create && !existsSync(path)) throw new CacheNotFoundError(path);
    if (create) mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, { fileMustExist: !create });
    try {
      db.pragma('busy_timeout = 5000');
      // Only possible on an empty file, before WAL writes the header: lets retention return space.
      if ((db.pragma('page_count', { simple: true }) as number) === 0) db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('temp_store = MEMORY');
      db.pragma(`cache_size = -${Math.max(2, opts.cacheSizeMiB ?? 32) * 1024}`);
      db.pragma('mmap_size = 268435456');
      const clock = opts.clock ?? systemClock;
      migrate(db, path, () => clock.now().getTime());
      return new Cache(db, path, clock);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Prepared statements by SQL text (search builds a handful of shapes; reuse them). */
  private stmt(sql: string): BetterSqlite3.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= 256) this.statements.clear();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('optimize');
    } catch {
      // optimize is advisory
    }
    this.db.close();
  }

  /** Called after a transaction that added records commits (kinds that changed). */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `fn` in one SQLite transaction (BEGIN IMMEDIATE; nested calls become savepoints). `fn` must
   * be synchronous: everything in it commits together or not at all.
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.db.transaction(fn)();
    this.pendingKinds = new Set();
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } catch (err) {
      this.pendingKinds = new Set();
      throw err;
    }
    this.flushChanges();
    return result;
  }

  /**
   * Like `transaction`, but the commit is synced to disk (synchronous=FULL) so it survives a power
   * cut, not only a crash. For rare, must-not-lose writes (outbox, audit chain).
   */
  durableTransaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.transaction(fn);
    this.db.pragma('synchronous = FULL');
    try {
      return this.transaction(fn);
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  private flushChanges(): void {
    if (this.pendingKinds.size === 0) return;
    const kinds = [...this.pendingKinds];
    this.pendingKinds = new Set();
    for (const l of this.listeners) {
      try {
        l({ kinds });
      } catch {
        // a listener's failure must not undo or hide a committed write
      }
    }
  }

  /**
   * Stores records in batched transactions; rows whose (remoteTable, remoteId) is already cached are
   * ignored, so sync can re-send freely. Invalid rows throw CacheInputError before anything is
   * written, unless `skipInvalid` (then they are reported and the rest stored).
   */
  insertRecords(rows: readonly NewRecord[], opts: { skipInvalid?: boolean } = {}): InsertResult {
    const prepared: (PreparedRow | null)[] = new Array(rows.length);
    const invalid: { index: number; reason: string }[] = [];
    for (let i = 0; i < rows.length; i++) {
      try {
        prepared[i] = prepareRow(rows[i]);
      } catch (err) {
        if (!opts.skipInvalid) throw new CacheInputError(`record ${i}: ${(err as Error).message}`);
        invalid.push({ index: i, reason: (err as Error).message });
        prepared[i] = null;
      }
    }
    const ids: number[] = [];
    let inserted = 0;
    let ignored = 0;
    const params: unknown[] = [];
    for (let start = 0; start < prepared.length; start += INSERT_BATCH) {
      const end = Math.min(prepared.length, start + INSERT_BATCH);
      const batchFirst = ids.length;
      this.transaction(() => {
        let i = start;
        while (i < end) {
          params.length = 0;
          let n = 0;
          for (; i < end && n < ROWS_PER_STATEMENT; i++) {
            const p = prepared[i];
            if (!p) continue;
            for (let c = 0; c < p.length; c++) params.push(p[c]);
            n++;
          }
          if (n === 0) continue;
          const returned = this.insertManyStatement(n).all(params) as [number, RecordKind][];
          for (const [id, kind] of returned) {
            ids.push(id);
            this.pendingKinds.add(kind);
          }
          inserted += returned.length;
          ignored += n - returned.length;
        }
        // RETURNING promises no order; rowids grow in insertion (= input) order.
        sortFrom(ids, batchFirst);
        this.indexForSearch(ids, batchFirst);
      });
    }
    return { inserted, ignored, invalid, ids };
  }

  /**
   * `insertRecords` and `setSyncCursor` in ONE transaction: the batch and the position that covers it
   * commit together or not at all. For writers that cannot pass `transaction` a function (a caller
   * on another thread, through the cache worker).
   */
  storeBatch(rows: readonly NewRecord[], cursor: { table: string; cursor: string }, opts: { skipInvalid?: boolean } = {}): InsertResult {
    return this.transaction(() => {
      const r = this.insertRecords(rows, opts);
      this.setSyncCursor(cursor.table, cursor.cursor);
      return r;
    });
  }

  private insertManyStatement(n: number): BetterSqlite3.Statement {
    let st = this.insertManyStmts[n];
    if (!st) {
      const values = new Array<string>(n).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      st = this.db.prepare(`INSERT OR IGNORE INTO records (${INSERT_COLUMNS}) VALUES ${values} RETURNING id, kind`).raw(true);
      this.insertManyStmts[n] = st;
    }
    return st;
  }

  /** Stores one record; returns its id (or the existing one's for a duplicate remote row). */
  insertRecord(row: NewRecord): { id: number; inserted: boolean } {
    const p = prepareRow(row);
    return this.transaction(() => {
      const info = this.insertStmt.run(p);
      if (info.changes > 0) {
        const id = Number(info.lastInsertRowid);
        this.indexForSearch([id]);
        this.pendingKinds.add(p[0]);
        return { id, inserted: true };
      }
      const existing = this.db
        .prepare('SELECT id FROM records WHERE remote_table = ? AND remote_id = ?')
        .get(p[2], p[3]) as { id: number } | undefined;
      if (!existing) throw new Error('record was neither inserted nor found');
      return { id: existing.id, inserted: false };
    });
  }

  /**
   * Adds records just inserted (`ids[from..]`) to the full-text index. Must run inside the
   * transaction that inserted them, so the records and their index entries commit together (there
   * is no insert trigger: one statement per batch is ~3x cheaper than a trigger per row). Every
   * writer of `records` calls this; `integrityCheck` reports a record missing from the index.
   */
  indexForSearch(ids: readonly number[], from = 0): void {
    if (!this.db.inTransaction) throw new Error('indexForSearch must run in the transaction that inserted the records');
    const n = ids.length - from;
    if (n <= 0) return;
    let lo = ids[from];
    let hi = ids[from];
    for (let i = from + 1; i < ids.length; i++) {
      const id = ids[i];
      if (id < lo) lo = id;
      else if (id > hi) hi = id;
    }
    // New rowids are max(rowid)+1, so a batch's ids are normally one contiguous run, and a range of
    // n distinct ids spanning n values holds exactly these rows. Anything else (e.g. random rowids
    // once the maximum rowid is taken) goes by the exact list.
    if (hi - lo + 1 === n) this.indexRangeStmt.run(lo, hi);
    else this.indexListStmt.run(JSON.stringify(from === 0 ? ids : ids.slice(from)));
  }

  /** Marks that records of `kinds` changed (for writers that insert with their own SQL here). */
  noteChanged(kinds: Iterable<RecordKind>): void {
    for (const k of kinds) this.pendingKinds.add(k);
    if (!this.db.inTransaction) this.flushChanges();
  }

  // ---- audit trail (see audit-chain.ts) --------------------------------------------------------

  /** Appends a hash-chained audit entry (and its record) durably. */
  appendAudit(entry: AuditEntryInput): AppendedEntry {
    return this.audit.append(entry);
  }

  /** Caches a constitutional decision as a 'decision' record + chain entry (optionally queued). */
  appendDecision(decision: Decision, opts: { enqueue?: boolean } = {}): AppendedEntry {
    return this.audit.appendDecision(decision, opts);
  }

  /** The metadata of the newest record of a kind (e.g. the last schema audit report), or null. */
  latestMetadataOf(kind: string): Record<string, unknown> | null {
    const row = this.db.prepare(`SELECT metadata FROM records WHERE kind = ? ORDER BY ts DESC, id DESC LIMIT 1`).get(kind) as { metadata: string | null } | undefined;
    if (!row?.metadata) return null;
    try {
      const md = JSON.parse(row.metadata) as unknown;
      return md && typeof md === 'object' && !Array.isArray(md) ? (md as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  /** The cached ai_usage_logs rows aggregated for the AI metrics at `nowMs` (offline review). */
  aiUsage(nowMs: number): AiUsageInput {
    return readAiUsageFromCache(this.db, new Date(nowMs));
  }

  /**
   * An ops.roman_events row written here first: the local hash-chained record (kind 'action') and
   * its outbox item in one transaction, so it is delivered exactly once even if the app dies now.
   * Used by the operations gate for executions and refusals.
   */
  recordLocalEvent(event: { event_type: string; severity: string; message: string; metadata?: Record<string, unknown>; idempotency_key: string }, source = 'operations'): AppendedEntry {
    return this.audit.append(
      { kind: 'action', type: event.event_type, severity: event.severity, source, message: event.message, metadata: event.metadata ?? {}, key: event.idempotency_key },
      () => {
        this.outbox.enqueue({ topic: 'event', idempotencyKey: event.idempotency_key, payload: event });
      },
    );
  }

  /**
   * Whether this cache holds decision `decisionId` as its own local, chained record (appendDecision,
   * audit key `decision:<id>`) — with event type `type` ('approval' / 'rejection') when given. The
   * sync uses it to skip the server copy of such a decision (ops.roman_events), so the decision is
   * listed once. Two indexed lookups (audit_chain.entry_key is unique, records by id); read-only.
   */
  hasLocalDecision(decisionId: string, type?: string | null): boolean {
    const row = this.stmt(
      `SELECT r.type FROM audit_chain a JOIN records r ON r.id = a.record_id WHERE a.entry_key = ? AND r.origin = 'local' AND r.kind = 'decision'`,
    ).get(`decision:${decisionId}`) as { type: string | null } | undefined;
    return row !== undefined && (type === undefined || row.type === type);
  }

  /**
   * Does this cache hold, as its own local record, the alert transition with this key (the
   * ops.roman_events idempotency_key `alert:<fingerprint>:<to>:<startsAt>`)? The sync then skips
   * the server copy, so each transition is cached once.
   */
  hasLocalAlert(key: string): boolean {
    return (
      this.stmt(`SELECT 1 AS x FROM records WHERE kind = 'alert' AND origin = 'local' AND json_extract(metadata, '$.idempotency_key') = ? LIMIT 1`).get(key) !==
      undefined
    );
  }

  verifyAuditChain(): AuditVerification {
    return this.audit.verify();
  }

  // ---- sync cursors ---------------------------------------------------------------------------

  /** The sync position last stored for a remote table (opaque to the cache), or null. */
  syncCursor(table: string): string | null {
    const row = this.db.prepare('SELECT cursor FROM sync_cursors WHERE remote_table = ?').get(table) as
      | { cursor: string }
      | undefined;
    return row ? row.cursor : null;
  }

  /** Stores the sync position; call inside `transaction` with the rows it covers. */
  setSyncCursor(table: string, cursor: string): void {
    if (typeof table !== 'string' || !table) throw new CacheInputError('table must be a non-empty string');
    if (typeof cursor !== 'string') throw new CacheInputError('cursor must be a string');
    this.db
      .prepare(
        `INSERT INTO sync_cursors (remote_table, cursor, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (remote_table) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
      )
      .run(table, cursor, this.clock.now().getTime());
  }

  syncCursors(): { table: string; cursor: string; updatedAt: string }[] {
    const rows = this.db.prepare('SELECT remote_table, cursor, updated_at FROM sync_cursors ORDER BY remote_table').all() as {
      remote_table: string;
      cursor: string;
      updated_at: number;
    }[];
    return rows.map((r) => ({ table: r.remote_table, cursor: r.cursor, updatedAt: new Date(r.updated_at).toISOString() }));
  }

  // ---- reading --------------------------------------------------------------------------------

  /** One page, newest first, ordered by (timestamp DESC, id DESC); pass nextCursor for the next. */
  search(opts: SearchOptions = {}): RecordPage & { rows: (StoredRecord & { metadata?: Record<string, unknown> })[] } {
    const limit = opts.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CacheInputError('limit must be an integer between 1 and 1000');
    const now = this.clock.now();
    const columns = `${RECORD_COLUMNS}${opts.withMetadata ? ', r.metadata' : ''}`;
    let compiled = addKeyset(compileFilter(opts, now), opts.cursor);
    let raw: RecordRow[] | null = null;
    if (compiled.match !== undefined) {
      const plan = opts.plan ?? (this.manyMatches(compiled.match) ? 'window' : 'lookup');
      if (plan === 'window') {
        const ids = this.windowedTextSearch(opts, now, limit + 1);
        if (ids) {
          raw = this.stmt(`SELECT ${columns} FROM records r WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.ts DESC, r.id DESC`).all(
            JSON.stringify(ids),
          ) as RecordRow[];
        }
      }
      if (!raw && plan !== 'lookup') compiled = addKeyset(compileFilter(opts, now, 'scan'), opts.cursor);
    }
    raw ??= this.stmt(`SELECT ${columns} FROM records r ${whereClause(compiled)} ORDER BY r.ts DESC, r.id DESC LIMIT ?`).all(
      ...compiled.params,
      limit + 1,
    ) as RecordRow[];
    const more = raw.length > limit;
    const page = more ? raw.slice(0, limit) : raw;
    const last = page[page.length - 1];
    return {
      rows: page.map((r) => (opts.withMetadata ? { ...toStoredRecord(r), metadata: parseMetadata(r.metadata) } : toStoredRecord(r))),
      nextCursor: more && last ? encodeCursor({ ts: last.ts, id: last.id }) : null,
    };
  }

  /**
   * Common terms, without sorting every match: walk the records newest first (time index, other
   * filters applied) in growing windows, and keep the ids the full-text index matches within the
   * window's id range (FTS5 seeks rowid ranges in its doclists). Ids grow with time in practice
   * (rows are cached as they are seen), so each window's id range is tight. When they do not, it
   * returns null and the caller uses the SQL plan instead. Returns up to `want` ids in page order.
   */
  private windowedTextSearch(filter: RecordFilter & { cursor?: string | null }, now: Date, want: number): number[] | null {
    const base = compileFilter(filter, now, 'omit');
    if (base.match === undefined) return null;
    const rangeMatches = this.stmt('SELECT rowid FROM records_fts WHERE records_fts MATCH ? AND rowid BETWEEN ? AND ?');
    let keyset: Keyset | null = filter.cursor ? decodeCursor(filter.cursor) : null;
    // Each full-text range lookup costs about as much as reading the term's whole doclist (FTS5
    // does not skip within it), so few, large windows beat many small ones.
    let window = Math.max(2048, want * 32);
    const hits: number[] = [];
    for (;;) {
      const where = [...base.where, ...(keyset ? ['r.ts <= ? AND (r.ts < ? OR r.id < ?)'] : [])];
      const candidates = this.stmt(
        `SELECT r.id, r.ts FROM records r ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.ts DESC, r.id DESC LIMIT ?`,
      ).all(...base.params, ...(keyset ? [keyset.ts, keyset.ts, keyset.id] : []), window) as Keyset[];
      if (candidates.length === 0) return hits;
      let lo = Infinity;
      let hi = -Infinity;
      for (const c of candidates) {
        if (c.id < lo) lo = c.id;
        if (c.id > hi) hi = c.id;
      }
      if (hi - lo + 1 > Math.max(4096, candidates.length * 16)) return null;
      const matched = new Set(rangeMatches.pluck(true).all(base.match, lo, hi) as number[]);
      for (const c of candidates) {
        if (matched.has(c.id)) {
          hits.push(c.id);
          if (hits.length >= want) return hits;
        }
      }
      if (candidates.length < window) return hits;
      keyset = candidates[candidates.length - 1];
      window = Math.min(window * 4, 262_144);
    }
  }

  /**
   * Whether a full-text query matches so many rows that walking the time index (and stopping after
   * one page) beats fetching and sorting every match. Fetch+sort costs ~M row reads; the walk costs
   * ~limit·N/M index steps, so the break-even is near √N matches. Probing stops at the threshold.
   */
  private manyMatches(match: string): boolean {
    const n = (this.stmt('SELECT max(id) AS n FROM records').get() as { n: number | null }).n ?? 0;
    const threshold = Math.min(5000, Math.max(200, Math.ceil(1.5 * Math.sqrt(n))));
    const found = (
      this.stmt('SELECT count(*) AS n FROM (SELECT rowid FROM records_fts WHERE records_fts MATCH ? LIMIT ?)').get(match, threshold) as {
        n: number;
      }
    ).n;
    return found >= threshold;
  }

  /**
   * The exact number of records matching a filter. A filter that is only full-text counts the
   * full-text index's matches (no join with records); every other filter counts through the same
   * predicates and indexes as search.
   */
  count(filter: RecordFilter = {}): number {
    const compiled = compileFilter(filter, this.clock.now(), 'omit');
    if (compiled.match !== undefined && compiled.where.length === 0) {
      return (this.stmt('SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH ?').get(compiled.match) as { n: number }).n;
    }
    if (compiled.match !== undefined) {
      compiled.where.push('r.id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)');
      compiled.params.push(compiled.match);
    }
    const row = this.stmt(`SELECT count(*) AS n FROM records r ${whereClause(compiled)}`).get(...compiled.params) as { n: number };
    return row.n;
  }

  getRecord(id: number): StoredRecordDetail | null {
    const row = this.stmt(`SELECT ${RECORD_COLUMNS}, r.metadata FROM records r WHERE r.id = ?`).get(id) as RecordRow | undefined;
    return row ? { ...toStoredRecord(row), metadata: parseMetadata(row.metadata) } : null;
  }

  /**
   * Streams every matching record (newest first) to `out` as CSV or JSON Lines. Reads through a
   * separate read-only connection (a consistent snapshot that never blocks writers here).
   */
  async exportRecords(
    filter: RecordFilter,
    format: ExportFormat,
    out: Writable,
    opts: ExportOptions = {},
  ): Promise<ExportResult> {
    if (format !== 'csv' && format !== 'jsonl') throw new CacheInputError(`unknown export format "${String(format)}" (csv or jsonl)`);
    const compiled = compileFilter(filter, this.clock.now());
    const sql = `SELECT ${RECORD_COLUMNS}, r.metadata FROM records r ${whereClause(compiled)} ORDER BY r.ts DESC, r.id DESC`;
    const reader = new Database(this.path, { readonly: true, fileMustExist: true });
    try {
      reader.pragma('busy_timeout = 5000');
      const rows = reader.prepare(sql).iterate(...compiled.params) as IterableIterator<RecordRow>;
      return await writeExport(rows, format, out, opts);
    } finally {
      reader.close();
    }
  }

  // ---- status & maintenance -------------------------------------------------------------------

  /** Bytes the database occupies (file pages minus free pages), excluding the WAL. */
  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  fileBytes(): number {
    let total = 0;
    for (const suffix of ['', '-wal']) {
      try {
        total += statSync(this.path + suffix).size;
      } catch {
        // no WAL yet
      }
    }
    return total;
  }

  status(): CacheStatus {
    const byKind = this.db.prepare('SELECT kind, count(*) AS n FROM records GROUP BY kind').all() as { kind: RecordKind; n: number }[];
    const range = this.db.prepare('SELECT min(ts) AS oldest, max(ts) AS newest FROM records').get() as {
      oldest: number | null;
      newest: number | null;
    };
    const cursors = this.syncCursors();
    const last = this.db.prepare('SELECT max(updated_at) AS t FROM sync_cursors').get() as { t: number | null };
    const rowsByKind: Partial<Record<RecordKind, number>> = {};
    let rows = 0;
    for (const k of byKind) {
      rowsByKind[k.kind] = k.n;
      rows += k.n;
    }
    return {
      path: this.path,
      schemaVersion: this.schemaVersion,
      rows,
      rowsByKind,
      sizeBytes: this.fileBytes(),
      oldest: range.oldest === null ? null : new Date(range.oldest).toISOString(),
      newest: range.newest === null ? null : new Date(range.newest).toISOString(),
      lastSyncedAt: last.t === null ? null : new Date(last.t).toISOString(),
      syncCursors: cursors.map((c) => ({ table: c.table, updatedAt: c.updatedAt })),
      outboxPending: this.outbox.pendingCount(),
      auditEntries: this.audit.length(),
    };
  }

  /** PRAGMA integrity_check plus the FTS5 index checked against the records it indexes. */
  integrityCheck(): IntegrityReport {
    const problems: string[] = [];
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    for (const r of rows) if (r.integrity_check !== 'ok') problems.push(r.integrity_check);
    try {
      this.db.prepare("INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 1)").run();
      // The index is contentless (schema v60): FTS5 checks its own structure; which records it
      // holds is checked here, both ways.
      const missing = (this.db.prepare('SELECT count(*) AS n FROM records WHERE id NOT IN (SELECT rowid FROM records_fts)').get() as { n: number }).n;
      const stale = (this.db.prepare('SELECT count(*) AS n FROM records_fts WHERE rowid NOT IN (SELECT id FROM records)').get() as { n: number }).n;
      if (missing > 0) problems.push(`full-text index: ${missing} record(s) are not indexed (rebuild the search index)`);
      if (stale > 0) problems.push(`full-text index: ${stale} entr(ies) for records that no longer exist (rebuild the search index)`);
      // A contentless index cannot give its text back: the newest records' text is checked against it.
      const drift = this.searchIndexDrift(INDEX_TEXT_SAMPLE);
      if (drift > 0) problems.push(`full-text index: the text of ${drift} of the newest ${INDEX_TEXT_SAMPLE} record(s) is not what the index holds (rebuild the search index)`);
    } catch (err) {
      problems.push(`full-text index: ${(err as Error).message}`);
    }
    const fk = this.db.pragma('foreign_key_check') as unknown[];
    if (fk.length > 0) problems.push(`${fk.length} foreign key violation(s)`);
    return { ok: problems.length === 0, problems, checkedAt: this.clock.now().toISOString() };
  }

  /** How many of the newest `sample` records have a message whose first word the index does not hold for that row. */
  private searchIndexDrift(sample: number): number {
    const rows = this.db.prepare('SELECT id, message FROM records ORDER BY id DESC LIMIT ?').all(sample) as { id: number; message: string }[];
    const probe = this.db.prepare('SELECT 1 FROM records_fts WHERE records_fts MATCH ? AND rowid = ?');
    let drift = 0;
    for (const r of rows) {
      const word = /[\p{L}\p{N}]+/u.exec(r.message ?? '')?.[0];
      if (!word) continue;
      if (!probe.get(`message : "${word.replace(/"/g, '""')}"`, r.id)) drift++;
    }
    return drift;
  }

  /** Rebuilds the full-text index from the records (repairs a damaged FTS index). */
  rebuildSearchIndex(): void {
    // Contentless index (schema v60): 'rebuild' cannot read the records, so empty it and index them again.
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO records_fts (records_fts) VALUES ('delete-all')").run();
      this.db.prepare('INSERT INTO records_fts (rowid, message, source, type, meta) SELECT id, message, source, type, meta FROM records_search').run();
    })();
  }

  /** Gives free pages back to the file system (auto_vacuum = INCREMENTAL). */
  incrementalVacuum(pages?: number): void {
    this.db.pragma(pages ? `incremental_vacuum(${Math.max(1, Math.trunc(pages))})` : 'incremental_vacuum');
  }

  /**
   * Deletes the oldest records by age and/or until the database fits `maxBytes`. Records in the
   * audit chain are never deleted (the chain stays verifiable), nor undelivered outbox items.
   */
  async applyRetention(opts: RetentionOptions): Promise<RetentionReport> {
    const batch = opts.batchSize ?? 5000;
    const sizeBefore = this.usedBytes();
    const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
    const deleteOldest = this.db.prepare(
      `DELETE FROM records WHERE id IN (
         SELECT id FROM records WHERE ts < ? AND chain_seq IS NULL ORDER BY ts, id LIMIT ?)`,
    );
    let deletedByAge = 0;
    let outboxPurged = 0;
    if (opts.maxAgeDays !== undefined) {
      if (!(opts.maxAgeDays > 0)) throw new CacheInputError('maxAgeDays must be a positive number');
      const cutoff = this.clock.now().getTime() - opts.maxAgeDays * 86_400_000;
      for (;;) {
        const n = this.transaction(() => deleteOldest.run(cutoff, batch).changes);
        deletedByAge += n;
        if (n < batch) break;
        await yieldToLoop();
      }
      outboxPurged = this.outbox.purgeDelivered(cutoff);
    }
    let deletedBySize = 0;
    let overBudget = false;
    if (opts.maxBytes !== undefined) {
      if (!(opts.maxBytes > 0)) throw new CacheInputError('maxBytes must be a positive number');
      const countUnchained = this.db.prepare('SELECT count(*) AS n FROM records WHERE chain_seq IS NULL');
      for (let round = 0; round < 8; round++) {
        this.incrementalVacuum();
        const used = this.usedBytes();
        if (used <= opts.maxBytes) break;
        const total = (this.db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
        const unchained = (countUnchained.get() as { n: number }).n;
        if (unchained === 0 || total === 0) {
          overBudget = true;
          break;
        }
        const perRow = used / total;
        let toDelete = Math.min(unchained, Math.ceil(((used - opts.maxBytes) / perRow) * 1.1) + 1);
        while (toDelete > 0) {
          const n = this.transaction(() => deleteOldest.run(Number.MAX_SAFE_INTEGER, Math.min(batch, toDelete)).changes);
          deletedBySize += n;
          toDelete -= n;
          if (n === 0) break;
          await yieldToLoop();
        }
        // Deleting from an external-content FTS index writes tombstones; merge them away.
        this.db.prepare("INSERT INTO records_fts (records_fts) VALUES ('optimize')").run();
        if (round === 7) overBudget = this.usedBytes() > opts.maxBytes;
      }
      this.incrementalVacuum();
      if (this.usedBytes() > opts.maxBytes) overBudget = true;
    }
    this.incrementalVacuum();
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // a reader holds the WAL; it will be checkpointed later
    }
    return { deletedByAge, deletedBySize, outboxPurged, sizeBefore, sizeAfter: this.usedBytes(), overBudget };
  }
}

/** Sorts `a[from..]` ascending in place (a no-op pass when already sorted, the usual case). */
function sortFrom(a: number[], from: number): void {
  for (let i = from + 1; i < a.length; i++) {
    if (a[i] < a[i - 1]) {
      const tail = a.slice(from).sort((x, y) => x - y);
      for (let j = 0; j < tail.length; j++) a[from + j] = tail[j];
      return;
    }
  }
}

export class CacheNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`no cache at ${path} (the app creates it on first sync; pass --cache PATH or set ROMAN_CACHE)`);
    this.name = 'CacheNotFoundError';
  }
}
