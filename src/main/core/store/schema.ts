/**
 * Versioned schema of the local cache. Each migration runs once, in order, in its own transaction,
 * and is recorded in `schema_migrations`; `PRAGMA user_version` mirrors the latest applied version.
 * A cache whose version is newer than `CACHE_SCHEMA_VERSION` was written by a newer build and is
 * refused (opening it could silently drop what that build relies on).
 *
 * Timestamps are INTEGER milliseconds since the epoch (UTC): the (ts, id) keyset and range filters
 * compare two integers, and every index stays compact.
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** 'ROMN' — marks the file as a R.O.M.A.N. cache so we never migrate someone else's database. */
export const CACHE_APPLICATION_ID = 0x524f4d4e;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'records + FTS5, sync cursors, outbox, audit chain',
    sql: `
      CREATE TABLE records (
        id           INTEGER PRIMARY KEY,
        kind         TEXT    NOT NULL CHECK (kind IN ('event','log','decision','alert','audit_report','action')),
        origin       TEXT    NOT NULL CHECK (origin IN ('remote','local')),
        remote_table TEXT,
        remote_id    TEXT,
        ts           INTEGER NOT NULL,
        severity     TEXT,
        source       TEXT,
        type         TEXT,
        message      TEXT    NOT NULL DEFAULT '',
        metadata     TEXT    NOT NULL DEFAULT '{}',
        chain_seq    INTEGER,
        CHECK ((remote_table IS NULL) = (remote_id IS NULL))
      );
      -- NULLs are distinct in a unique index, so local records never collide; remote ones are
      -- unique per table, which makes INSERT OR IGNORE from sync duplicate-free.
      CREATE UNIQUE INDEX records_remote ON records (remote_table, remote_id);
      -- Every index implicitly ends with the rowid (id), so each one serves ORDER BY ts DESC, id DESC.
      CREATE INDEX records_ts ON records (ts);
      CREATE INDEX records_severity_ts ON records (severity, ts);
      CREATE INDEX records_source_ts ON records (source, ts);
      CREATE INDEX records_type_ts ON records (type, ts);
      CREATE INDEX records_kind_ts ON records (kind, ts);
      CREATE INDEX records_chain ON records (chain_seq) WHERE chain_seq IS NOT NULL;

      CREATE VIRTUAL TABLE records_fts USING fts5 (
        message, source, type,
        content = 'records', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
        INSERT INTO records_fts (rowid, message, source, type) VALUES (new.id, new.message, new.source, new.type);
      END;
      CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
        INSERT INTO records_fts (records_fts, rowid, message, source, type)
          VALUES ('delete', old.id, old.message, old.source, old.type);
      END;
      CREATE TRIGGER records_fts_update AFTER UPDATE OF message, source, type ON records BEGIN
        INSERT INTO records_fts (records_fts, rowid, message, source, type)
          VALUES ('delete', old.id, old.message, old.source, old.type);
        INSERT INTO records_fts (rowid, message, source, type) VALUES (new.id, new.message, new.source, new.type);
      END;

      CREATE TABLE sync_cursors (
        remote_table TEXT PRIMARY KEY,
        cursor       TEXT    NOT NULL,
        updated_at   INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key TEXT    NOT NULL UNIQUE,
        topic           TEXT    NOT NULL,
        payload         TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        last_error      TEXT,
        delivered_at    INTEGER
      );
      CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL;

      -- One drain at a time, also across processes (the app and a CLI on the same cache).
      CREATE TABLE leases (
        name       TEXT PRIMARY KEY,
        holder     TEXT    NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE audit_chain (
        seq       INTEGER PRIMARY KEY,
        record_id INTEGER REFERENCES records (id),
        ts        INTEGER NOT NULL,
        entry_key TEXT UNIQUE,
        entry     TEXT    NOT NULL,
        prev_hash TEXT    NOT NULL,
        hash      TEXT    NOT NULL
      );

      CREATE TABLE cache_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'full-text indexing per batch instead of a per-row insert trigger; partial type, kind and severity indexes',
    // The per-row AFTER INSERT trigger made every insert run a trigger program and a one-row FTS5
    // insert (~3x the cost of the insert itself). Writers in cache.ts / audit-chain.ts now add each
    // batch of new records to records_fts in one statement, inside the transaction that inserted
    // them (Cache.indexForSearch). The index of an existing cache is complete (the trigger kept it
    // so) and stays as it is. Delete/update triggers are unchanged (retention, edits).
    // Logs are the bulk of a cache and each index costs every insert, so the common rows skip the
    // indexes that cannot help them: records without a type (all logs) never match `type = ?`; a
    // filter on kind 'log' or severity 'info' (the dense values) walks records_ts and finds a page
    // of matches almost at once, while filters on the rare kinds and severities use partial
    // indexes. Those filters carry the literal terms `r.kind <> 'log'` / `r.severity <> 'info'`
    // that let SQLite use them (query.ts compileFilter).
    sql: `
      DROP TRIGGER IF EXISTS records_fts_insert;
      DROP INDEX IF EXISTS records_type_ts;
      CREATE INDEX records_type_ts ON records (type, ts) WHERE type IS NOT NULL;
      DROP INDEX IF EXISTS records_kind_ts;
      CREATE INDEX records_kind_ts ON records (kind, ts) WHERE kind <> 'log';
      DROP INDEX IF EXISTS records_severity_ts;
      CREATE INDEX records_severity_ts ON records (severity, ts) WHERE severity <> 'info';
    `,
  },
];

export const CACHE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class CacheSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheSchemaError';
  }
}

/** Brings the schema up to date; refuses files from a newer build or from another application. */
export function migrate(db: BetterSqlite3.Database, path: string, now: () => number): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (current > CACHE_SCHEMA_VERSION) {
    throw new CacheSchemaError(
      `cache ${path} has schema version ${current}, newer than this build supports (${CACHE_SCHEMA_VERSION}). ` +
        'It was written by a newer R.O.M.A.N. Desktop; update the app or use another cache file (--cache).',
    );
  }
  if (appId !== 0 && appId !== CACHE_APPLICATION_ID) {
    throw new CacheSchemaError(`${path} is an SQLite database of another application (application_id ${appId}); refusing to use it as a cache`);
  }
  if (current === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0 && appId !== CACHE_APPLICATION_ID) {
      throw new CacheSchemaError(`${path} already contains tables that are not a R.O.M.A.N. cache; refusing to use it`);
    }
    db.pragma(`application_id = ${CACHE_APPLICATION_ID}`);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.description,
        now(),
      );
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return CACHE_SCHEMA_VERSION;
}
