/**
 * What the sync engine copies from Postgres into the local cache, as data: one SyncSource per
 * remote table, naming its keyset columns (timestamp, id), how its columns map onto a cached record
 * and which record kind a row becomes. Adding a table to the offline review = adding an entry here.
 *
 * Columns that an existing user table lacks are simply left out of the SELECT (user tables are
 * never altered); only the keyset columns and `message` are mandatory.
 */
import type { RecordKind } from '../../../shared/store';
import { quoteIdent } from '../db/schema';

export interface SyncSource {
  /** Name in the cache (records.remote_table) and in reports: 'public.system_logs'. */
  remoteTable: string;
  schema: string;
  table: string;
  /** Keyset: a timestamp column and a unique id column. */
  tsColumn: string;
  idColumn: string;
  /** Column → record field. null when the table has no such column. */
  severityColumn: string | null;
  sourceColumn: string | null;
  typeColumn: string | null;
  messageColumn: string;
  metadataColumn: string | null;
  /** Columns copied into the record's metadata under their own names (when not already there). */
  extraMetadataColumns: string[];
  /** Used when the table has no source column. */
  defaultSource: string | null;
  kindOf(type: string | null): RecordKind;
  /**
   * Optional: the decision_id when a row (event type, metadata JSON text) is the server copy of a
   * constitutional decision, else null. The pull skips such a row when this cache already holds
   * the decision as its own local, audit-chained record, so each decision is listed once. Sources
   * without it pay nothing per row.
   */
  decisionIdOf?: (type: string | null, metadata: string) => string | null;
  /**
   * Optional: the key of an alert transition row (its idempotency_key) — the pull skips the row when
   * this cache already recorded that transition locally (the leader's own record), so each
   * transition is cached once.
   */
  alertKeyOf?: (type: string | null, metadata: string) => string | null;
}

export const SYSTEM_LOGS_SOURCE: SyncSource = {
  remoteTable: 'public.system_logs',
  schema: 'public',
  table: 'system_logs',
  tsColumn: 'timestamp',
  idColumn: 'id',
  severityColumn: 'severity',
  sourceColumn: 'source',
  typeColumn: null,
  messageColumn: 'message',
  metadataColumn: 'metadata',
  extraMetadataColumns: ['user_id', 'correlation_id'],
  defaultSource: null,
  kindOf: () => 'log',
};

export const ROMAN_EVENTS_SOURCE: SyncSource = {
  remoteTable: 'ops.roman_events',
  schema: 'ops',
  table: 'roman_events',
  tsColumn: 'timestamp',
  idColumn: 'id',
  severityColumn: 'severity',
  sourceColumn: null,
  typeColumn: 'event_type',
  messageColumn: 'message',
  metadataColumn: 'metadata',
  extraMetadataColumns: ['idempotency_key'],
  defaultSource: 'roman',
  kindOf: (type) => {
    if (type === 'approval' || type === 'rejection') return 'decision';
    if (type !== null && (type === 'alert' || type.startsWith('alert.') || type.startsWith('alert_'))) return 'alert';
    if (type === 'audit') return 'audit_report';
    return 'event';
  },
  decisionIdOf: (type, metadata) => (type === 'approval' || type === 'rejection' ? decisionIdOfEvent(metadata) : null),
  alertKeyOf: (type, metadata) => (type === 'alert' ? alertKeyOfEvent(metadata) : null),
};

/** The idempotency_key of an alert transition row (`alert:…`), else null. */
export function alertKeyOfEvent(metadata: string): string | null {
  let md: unknown;
  try {
    md = JSON.parse(metadata);
  } catch {
    return null;
  }
  if (!md || typeof md !== 'object' || Array.isArray(md)) return null;
  const key = (md as Record<string, unknown>).idempotency_key;
  return typeof key === 'string' && key.startsWith('alert:') ? key : null;
}

/**
 * The decision an ops.roman_events row records: metadata.decision_id (db/events.ts writes the whole
 * Decision as metadata), provided the row's idempotency_key (merged into the metadata by selectSql)
 * is absent or that same id. A row keyed otherwise is another event that merely mentions a decision.
 */
export function decisionIdOfEvent(metadata: string): string | null {
  let md: unknown;
  try {
    md = JSON.parse(metadata);
  } catch {
    return null;
  }
  if (!md || typeof md !== 'object' || Array.isArray(md)) return null;
  const { decision_id: id, idempotency_key: key } = md as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return null;
  return key === undefined || key === null || key === id ? id : null;
}

/**
 * AI usage rows, so the /metrics figures can be reviewed offline (core/metrics/ai-usage.ts reads
 * them back from the records' metadata). Records of kind 'event', source 'ai_usage'.
 */
export const AI_USAGE_LOGS_SOURCE: SyncSource = {
  remoteTable: 'public.ai_usage_logs',
  schema: 'public',
  table: 'ai_usage_logs',
  tsColumn: 'created_at',
  idColumn: 'id',
  severityColumn: null,
  sourceColumn: null,
  typeColumn: 'provider',
  messageColumn: 'provider',
  metadataColumn: 'metadata',
  extraMetadataColumns: ['provider', 'model', 'feature', 'user_id', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost_usd', 'latency_ms', 'success'],
  defaultSource: 'ai_usage',
  kindOf: () => 'event',
};

/** Tables synced by default, in this order. */
export const DEFAULT_SOURCES: readonly SyncSource[] = [ROMAN_EVENTS_SOURCE, SYSTEM_LOGS_SOURCE, AI_USAGE_LOGS_SOURCE];

/** Longest message copied into the cache (the rest is cut server-side, marked with "…"). */
export const MAX_MESSAGE_CHARS = 100_000;

/** Alias of the source table in selectSql: qualify WHERE/ORDER BY columns with it (output names shadow them). */
export const SOURCE_ALIAS = 'src';

export interface SourceColumns {
  /** column name → information_schema data_type */
  types: Map<string, string>;
}

export class SyncSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncSourceError';
  }
}

/**
 * The SELECT list for a source given the columns the table really has. Output columns:
 * id (text), ts (text, UTC, microseconds), ts_ms (float8), severity, source, type, message, metadata (json text).
 */
export function selectSql(src: SyncSource, cols: SourceColumns): { sql: string; tsIsTimestamptz: boolean } {
  const has = (c: string | null): c is string => c !== null && cols.types.has(c);
  for (const required of [src.tsColumn, src.idColumn, src.messageColumn]) {
    if (!cols.types.has(required)) {
      throw new SyncSourceError(`${src.remoteTable} has no column "${required}"; it cannot be synced`);
    }
  }
  const tsType = cols.types.get(src.tsColumn)!;
  if (tsType !== 'timestamp with time zone' && tsType !== 'timestamp without time zone') {
    throw new SyncSourceError(`${src.remoteTable}.${src.tsColumn} is ${tsType}, not a timestamp; it cannot be synced`);
  }
  const ts = quoteIdent(src.tsColumn);
  const text = (c: string | null) => (has(c) ? `${quoteIdent(c)}::text` : 'null::text');
  const extras = src.extraMetadataColumns.filter((c) => has(c));
  const extrasObj = extras.length
    ? `jsonb_strip_nulls(jsonb_build_object(${extras.map((c) => `'${c.replace(/'/g, "''")}', ${quoteIdent(c)}`).join(', ')}))`
    : `'{}'::jsonb`;
  let metadata: string;
  if (has(src.metadataColumn)) {
    const m = `${quoteIdent(src.metadataColumn)}::jsonb`;
    const obj = `case when jsonb_typeof(${m}) = 'object' then ${m} when ${m} is null then '{}'::jsonb else jsonb_build_object('value', ${m}) end`;
    metadata = extras.length ? `(${extrasObj} || ${obj})::text` : `(${obj})::text`;
  } else {
    metadata = `${extrasObj}::text`;
  }
  const msg = `${quoteIdent(src.messageColumn)}::text`;
  const sql = `select ${quoteIdent(src.idColumn)}::text as id,
      to_char(${ts}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts,
      floor(extract(epoch from ${ts}) * 1000)::float8 as ts_ms,
      ${text(src.severityColumn)} as severity,
      ${has(src.sourceColumn) ? text(src.sourceColumn) : src.defaultSource === null ? 'null::text' : `'${src.defaultSource.replace(/'/g, "''")}'::text`} as source,
      ${text(src.typeColumn)} as type,
      case when length(${msg}) > ${MAX_MESSAGE_CHARS} then left(${msg}, ${MAX_MESSAGE_CHARS - 1}) || '…' else coalesce(${msg}, '') end as message,
      ${metadata} as metadata
    from ${quoteIdent(src.schema)}.${quoteIdent(src.table)} as ${SOURCE_ALIAS}`;
  return { sql, tsIsTimestamptz: tsType === 'timestamp with time zone' };
}
