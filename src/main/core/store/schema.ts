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
  {
    version: 3,
    description: 'alert silences and acknowledgements (alerting state that outlives a restart)',
    // Written by CacheAlertStateStore (alert-state.ts). A silence keeps its row after it ends (an
    // unsilenced one has expired_at set and ends_at moved to that moment) until it is a day old,
    // so a restart shows it as expired instead of bringing it back. An acknowledgement belongs to
    // one incident of an alert: starts_at is when that incident started; a new incident of the
    // same fingerprint starts later and does not match.
    sql: `
      CREATE TABLE alert_silences (
        id            TEXT    PRIMARY KEY,
        matchers_json TEXT    NOT NULL,
        starts_at     INTEGER NOT NULL,
        ends_at       INTEGER NOT NULL,
        comment       TEXT    NOT NULL DEFAULT '',
        created_by    TEXT    NOT NULL DEFAULT '',
        expired_at    INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX alert_silences_ends ON alert_silences (ends_at);

      CREATE TABLE alert_acks (
        fingerprint TEXT    PRIMARY KEY,
        acked_by    TEXT    NOT NULL,
        acked_at    INTEGER NOT NULL,
        starts_at   INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description: 'each decision listed once: drop server copies of decisions this cache holds as local chained records',
    // Before this version the sync pulled the ops.roman_events row of a decision made on this
    // desktop next to its local, audit-chained record, so the decision was listed twice. The sync
    // now skips such rows (sync/pull.ts, SyncSource.decisionIdOf); this removes the copies already
    // cached, with the same test: an approval/rejection row whose metadata.decision_id is chained
    // here as 'decision:<id>' with the same type, and whose idempotency_key is absent or that id.
    // Only unchained remote rows are deleted (the audit chain is untouched); the delete trigger
    // keeps the full-text index in step; later overlap re-reads skip them again.
    sql: `
      DELETE FROM records WHERE id IN (
        SELECT c.id
          FROM (SELECT id, type,
                       CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.decision_id') END AS decision_id,
                       CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.idempotency_key') END AS idempotency_key
                  FROM records
                 WHERE remote_table = 'ops.roman_events' AND kind = 'decision' AND chain_seq IS NULL
                   AND type IN ('approval', 'rejection')) c
          JOIN audit_chain a ON a.entry_key = 'decision:' || c.decision_id
          JOIN records l ON l.id = a.record_id AND l.origin = 'local' AND l.kind = 'decision' AND l.type = c.type
         WHERE typeof(c.decision_id) = 'text' AND c.decision_id <> ''
           AND (c.idempotency_key IS NULL OR c.idempotency_key = c.decision_id)
      );
    `,
  },
  {
    version: 30,
    description: 'error triage: fingerprinter model, patterns with status, occurrences, merges, notes',
    // Written by TriageStore (triage.ts). Occurrences keep the pattern id they were given; a later
    // merge is a triage_merges row and a new root_id, never a re-key. Occurrences go with their
    // record (retention deletes both). Idempotent (IF NOT EXISTS): a cache whose recorded version
    // was set back re-runs it harmlessly.
    sql: `
      CREATE TABLE IF NOT EXISTS triage_model (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        snapshot   TEXT    NOT NULL,
        cursor     INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS triage_patterns (
        id          TEXT    PRIMARY KEY,
        root_id     TEXT    NOT NULL,
        template    TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        status      TEXT    NOT NULL DEFAULT 'new' CHECK (status IN ('new','acknowledged','resolved','regressed','ignored')),
        status_at   INTEGER NOT NULL,
        status_by   TEXT    NOT NULL,
        resolved_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS triage_patterns_root ON triage_patterns (root_id);
      CREATE TABLE IF NOT EXISTS triage_occurrences (
        record_id      INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
        pattern_id     TEXT    NOT NULL,
        ts             INTEGER NOT NULL,
        severity       TEXT,
        source         TEXT,
        user_id        TEXT,
        ip             TEXT,
        correlation_id TEXT,
        event_type     TEXT
      );
      CREATE INDEX IF NOT EXISTS triage_occurrences_pattern_ts ON triage_occurrences (pattern_id, ts);
      CREATE INDEX IF NOT EXISTS triage_occurrences_ts ON triage_occurrences (ts);
      CREATE TABLE IF NOT EXISTS triage_merges (
        from_id TEXT    PRIMARY KEY,
        into_id TEXT    NOT NULL,
        reason  TEXT    NOT NULL,
        at      INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS triage_notes (
        id         INTEGER PRIMARY KEY,
        pattern_id TEXT    NOT NULL,
        text       TEXT    NOT NULL,
        by         TEXT    NOT NULL,
        at         INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS triage_notes_pattern ON triage_notes (pattern_id);
      CREATE TABLE IF NOT EXISTS triage_status_history (
        id         INTEGER PRIMARY KEY,
        pattern_id TEXT    NOT NULL,
        status     TEXT    NOT NULL,
        by         TEXT    NOT NULL,
        at         INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS triage_status_history_pattern ON triage_status_history (pattern_id);
    `,
  },
  {
    version: 50,
    description: 'maintenance runbook reports, emergency incidents and their timelines',
    // Written by RunbookStore (runbooks/store.ts). A report is kept whole as JSON next to the columns
    // the lists filter on; an incident likewise, with one row per timeline entry (append-only).
    // Idempotent (IF NOT EXISTS) like the triage migration.
    sql: `
      CREATE TABLE IF NOT EXISTS runbook_reports (
        id          TEXT    PRIMARY KEY,
        runbook     TEXT    NOT NULL,
        window_at   TEXT,
        trigger     TEXT    NOT NULL,
        late        INTEGER NOT NULL,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        status      TEXT    NOT NULL,
        report      TEXT    NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS runbook_reports_runbook_started ON runbook_reports (runbook, started_at);
      CREATE TABLE IF NOT EXISTS emergency_incidents (
        id        TEXT    PRIMARY KEY,
        protocol  TEXT    NOT NULL,
        opened_at INTEGER NOT NULL,
        closed_at INTEGER,
        incident  TEXT    NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS emergency_incidents_opened ON emergency_incidents (opened_at);
      CREATE TABLE IF NOT EXISTS emergency_timeline (
        id          INTEGER PRIMARY KEY,
        incident_id TEXT    NOT NULL,
        at          INTEGER NOT NULL,
        entry       TEXT    NOT NULL
      );
      CREATE INDEX IF NOT EXISTS emergency_timeline_incident ON emergency_timeline (incident_id, id);
    `,
  },
  {
    version: 60,
    description: 'full-text index of metadata values (an IP, a user or request id, a decision id) next to message, source, type',
    // records_fts gains a column `meta`: the scalar VALUES of a record's metadata JSON (never its
    // keys, so searching "ip" does not find every record that has an ip), separated by spaces. The
    // view records_search computes that column from records; writers index new batches from it
    // (Cache.indexForSearch). The index becomes contentless with contentless_delete: FTS5 cannot
    // read a view that uses json_tree as its external content, and a contentless index deletes by
    // rowid, so the delete/update triggers never have to reproduce the old text. Every record of
    // an existing cache is indexed again from the view here (backfill; nothing in records changes).
    // Re-runnable (a cache whose recorded version was set back rebuilds the index again).
    sql: `
      DROP TRIGGER IF EXISTS records_fts_insert;
      DROP TRIGGER IF EXISTS records_fts_delete;
      DROP TRIGGER IF EXISTS records_fts_update;
      DROP TABLE IF EXISTS records_fts;
      DROP VIEW IF EXISTS records_search;
      CREATE VIEW records_search AS
        SELECT id, message, source, type,
               CASE WHEN json_valid(records.metadata) THEN (SELECT group_concat(value, ' ') FROM json_tree(records.metadata) WHERE atom IS NOT NULL AND type IN ('text', 'integer', 'real')) END AS meta
          FROM records;
      CREATE VIRTUAL TABLE records_fts USING fts5 (
        message, source, type, meta,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
        DELETE FROM records_fts WHERE rowid = old.id;
      END;
      CREATE TRIGGER records_fts_update AFTER UPDATE OF message, source, type, metadata ON records BEGIN
        DELETE FROM records_fts WHERE rowid = old.id;
        INSERT INTO records_fts (rowid, message, source, type, meta)
          VALUES (new.id, new.message, new.source, new.type, CASE WHEN json_valid(new.metadata) THEN (SELECT group_concat(value, ' ') FROM json_tree(new.metadata) WHERE atom IS NOT NULL AND type IN ('text', 'integer', 'real')) END);
      END;
      INSERT INTO records_fts (rowid, message, source, type, meta) SELECT id, message, source, type, meta FROM records_search;
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
