/**
 * The shared Postgres schema as data: the tables the app reads and writes (docs/CONVENTIONS "Shared
 * Postgres schema"), the columns the manual's queries rely on, and the indexes those queries need.
 * `migrations.ts` installs it; the sync engine reads its table list from here.
 */

export interface ColumnSpec {
  name: string;
  /** SQL type used when we create the table. */
  type: string;
  /** Type families accepted in an existing user table (format_type names). */
  accepts: string[];
  /** Used by a query of the manual or by the app's features (missing → warning). */
  required: boolean;
}

export interface IndexSpec {
  name: string;
  columns: string[];
  /** An existing valid btree index whose leading columns are these makes ours unnecessary. */
  satisfiedBy: string[];
  unique?: boolean;
}

export interface TableSpec {
  schema: string;
  table: string;
  /** 'ops' tables belong to the app; 'user' tables are created only when missing and never altered. */
  owner: 'ops' | 'user';
  columns: ColumnSpec[];
  /** Extra table constraints used at creation (e.g. a check). */
  constraints: string[];
  indexes: IndexSpec[];
}

const TS = ['timestamp with time zone', 'timestamp without time zone'];
const INT = ['bigint', 'integer', 'smallint', 'numeric'];
const TEXT = ['text', 'character varying', 'character', 'USER-DEFINED'];
const JSON_T = ['jsonb', 'json'];

export const SYSTEM_LOGS: TableSpec = {
  schema: 'public',
  table: 'system_logs',
  owner: 'user',
  columns: [
    { name: 'id', type: 'bigserial primary key', accepts: INT, required: true },
    { name: 'timestamp', type: 'timestamptz not null default now()', accepts: TS, required: true },
    { name: 'severity', type: 'text not null', accepts: TEXT, required: true },
    { name: 'source', type: 'text not null', accepts: TEXT, required: true },
    { name: 'message', type: 'text not null', accepts: TEXT, required: true },
    { name: 'user_id', type: 'uuid', accepts: ['uuid', ...TEXT], required: true },
    { name: 'correlation_id', type: 'text', accepts: [...TEXT, 'uuid'], required: true },
    { name: 'metadata', type: "jsonb not null default '{}'", accepts: JSON_T, required: true },
  ],
  constraints: [
    "constraint system_logs_severity_check check (severity in ('debug','info','warning','error','critical'))",
  ],
  indexes: [
    { name: 'roman_system_logs_timestamp_idx', columns: ['timestamp', 'id'], satisfiedBy: ['timestamp'] },
    { name: 'roman_system_logs_severity_ts_idx', columns: ['severity', 'timestamp'], satisfiedBy: ['severity', 'timestamp'] },
    { name: 'roman_system_logs_source_ts_idx', columns: ['source', 'timestamp'], satisfiedBy: ['source', 'timestamp'] },
  ],
};

export const AI_USAGE_LOGS: TableSpec = {
  schema: 'public',
  table: 'ai_usage_logs',
  owner: 'user',
  columns: [
    { name: 'id', type: 'bigserial primary key', accepts: INT, required: true },
    { name: 'created_at', type: 'timestamptz not null default now()', accepts: TS, required: true },
    { name: 'provider', type: 'text not null', accepts: TEXT, required: true },
    { name: 'model', type: 'text', accepts: TEXT, required: false },
    { name: 'feature', type: 'text', accepts: TEXT, required: false },
    { name: 'user_id', type: 'uuid', accepts: ['uuid', ...TEXT], required: false },
    { name: 'prompt_tokens', type: 'int', accepts: INT, required: false },
    { name: 'completion_tokens', type: 'int', accepts: INT, required: false },
    { name: 'total_tokens', type: 'int', accepts: INT, required: true },
    { name: 'cost_usd', type: 'numeric(12,6) not null default 0', accepts: [...INT, 'double precision', 'real'], required: true },
    { name: 'latency_ms', type: 'int', accepts: [...INT, 'double precision', 'real'], required: true },
    { name: 'success', type: 'boolean not null default true', accepts: ['boolean'], required: false },
    { name: 'metadata', type: "jsonb not null default '{}'", accepts: JSON_T, required: false },
  ],
  constraints: [],
  indexes: [
    { name: 'roman_ai_usage_logs_created_at_idx', columns: ['created_at'], satisfiedBy: ['created_at'] },
    {
      name: 'roman_ai_usage_logs_provider_created_idx',
      columns: ['provider', 'created_at'],
      satisfiedBy: ['provider', 'created_at'],
    },
  ],
};

export const ROMAN_EVENTS: TableSpec = {
  schema: 'ops',
  table: 'roman_events',
  owner: 'ops',
  columns: [
    { name: 'id', type: 'bigserial primary key', accepts: INT, required: true },
    { name: 'timestamp', type: 'timestamptz not null default now()', accepts: TS, required: true },
    { name: 'event_type', type: 'text not null', accepts: TEXT, required: true },
    { name: 'severity', type: 'text not null', accepts: TEXT, required: true },
    { name: 'message', type: 'text not null', accepts: TEXT, required: true },
    { name: 'metadata', type: "jsonb not null default '{}'", accepts: JSON_T, required: true },
    { name: 'idempotency_key', type: 'text', accepts: TEXT, required: true },
  ],
  constraints: ['constraint roman_events_idempotency_key_key unique (idempotency_key)'],
  indexes: [
    { name: 'roman_events_timestamp_idx', columns: ['timestamp', 'id'], satisfiedBy: ['timestamp'] },
    { name: 'roman_events_severity_ts_idx', columns: ['severity', 'timestamp'], satisfiedBy: ['severity', 'timestamp'] },
    { name: 'roman_events_type_ts_idx', columns: ['event_type', 'timestamp'], satisfiedBy: ['event_type', 'timestamp'] },
  ],
};

export const SYSTEM_HEALTH: TableSpec = {
  schema: 'ops',
  table: 'system_health',
  owner: 'ops',
  columns: [
    { name: 'id', type: 'bigserial primary key', accepts: INT, required: true },
    { name: 'timestamp', type: 'timestamptz not null default now()', accepts: TS, required: true },
    { name: 'entropy', type: 'double precision', accepts: ['double precision', 'real', 'numeric'], required: true },
    { name: 'error_rate', type: 'double precision', accepts: ['double precision', 'real', 'numeric'], required: true },
    { name: 'failure_rate', type: 'double precision', accepts: ['double precision', 'real', 'numeric'], required: true },
    { name: 'latency_spikes', type: 'double precision', accepts: ['double precision', 'real', 'numeric'], required: true },
    { name: 'active_connections', type: 'int', accepts: INT, required: true },
    { name: 'metrics', type: "jsonb not null default '{}'", accepts: JSON_T, required: true },
  ],
  constraints: [],
  indexes: [{ name: 'roman_system_health_timestamp_idx', columns: ['timestamp'], satisfiedBy: ['timestamp'] }],
};

export const SHARED_TABLES: readonly TableSpec[] = [ROMAN_EVENTS, SYSTEM_HEALTH, SYSTEM_LOGS, AI_USAGE_LOGS];

/** Channel and trigger of the alerting fast path. */
export const SIGNALS_CHANNEL = 'roman_signals';
export const SIGNALS_TRIGGER = 'roman_signals_notify';
export const SIGNALS_FUNCTION = 'ops.roman_signals_notify';
/** Per-row notifications per INSERT statement; beyond that one summary notification (count, truncated). */
export const SIGNALS_PER_STATEMENT = 100;

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function qualified(t: Pick<TableSpec, 'schema' | 'table'>): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
}

export function displayName(t: Pick<TableSpec, 'schema' | 'table'>): string {
  return `${t.schema}.${t.table}`;
}
