/**
 * One record shape for everything the cache holds: validation and normalisation of incoming rows
 * (timestamps to epoch ms, severity lower-cased, metadata to JSON text) and mapping of stored rows
 * back to `StoredRecord`.
 */
import {
  RECORD_KINDS,
  isRecordKind,
  type RecordKind,
  type RecordOrigin,
  type StoredRecord,
} from '../../../shared/store';
import { CacheInputError, toEpochMs } from './query';

/** A record to cache. Remote rows carry (remoteTable, remoteId); local ones carry neither. */
export interface NewRecord {
  kind: RecordKind;
  /** Defaults to 'remote' when remoteId is set, else 'local'. */
  origin?: RecordOrigin;
  /** e.g. 'public.system_logs', 'ops.roman_events'. */
  remoteTable?: string | null;
  remoteId?: string | number | bigint | null;
  /** Date, epoch ms, or ISO-8601 / Postgres timestamp text. */
  timestamp: Date | string | number;
  severity?: string | null;
  source?: string | null;
  /** event_type, alert rule, action kind, … */
  type?: string | null;
  message?: string | null;
  /** Any JSON-serialisable object (jsonb from pg arrives as an object). */
  metadata?: unknown;
}

export const RECORD_COLUMNS =
  'r.id, r.kind, r.origin, r.remote_table, r.remote_id, r.ts, r.severity, r.source, r.type, r.message, r.chain_seq';

export interface RecordRow {
  id: number;
  kind: RecordKind;
  origin: RecordOrigin;
  remote_table: string | null;
  remote_id: string | null;
  ts: number;
  severity: string | null;
  source: string | null;
  type: string | null;
  message: string;
  chain_seq: number | null;
  metadata?: string;
}

export function toStoredRecord(r: RecordRow): StoredRecord {
  return {
    id: r.id,
    kind: r.kind,
    origin: r.origin,
    remoteTable: r.remote_table,
    remoteId: r.remote_id,
    timestamp: new Date(r.ts).toISOString(),
    severity: r.severity,
    source: r.source,
    type: r.type,
    message: r.message,
    chainSeq: r.chain_seq,
  };
}

export function parseMetadata(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { unparseable: text };
  }
}

/** Columns of one record row ready for INSERT, or a reason it cannot be stored. */
export type PreparedRow = [RecordKind, RecordOrigin, string | null, string | null, number, string | null, string | null, string | null, string, string];

const MAX_FIELD = 200_000;

function optionalText(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new CacheInputError(`${field} must be text`);
}

export function prepareRow(row: NewRecord): PreparedRow {
  if (!row || typeof row !== 'object') throw new CacheInputError('record must be an object');
  if (!isRecordKind(row.kind)) throw new CacheInputError(`unknown kind "${String(row.kind)}" (expected one of ${RECORD_KINDS.join(', ')})`);
  const ts = toEpochMs(row.timestamp);
  if (Number.isNaN(ts)) throw new CacheInputError(`invalid timestamp "${String(row.timestamp)}"`);
  const remoteTable = optionalText(row.remoteTable, 'remoteTable');
  const remoteId = optionalText(row.remoteId, 'remoteId');
  if ((remoteTable === null) !== (remoteId === null)) throw new CacheInputError('remoteTable and remoteId go together');
  const origin = row.origin ?? (remoteId === null ? 'local' : 'remote');
  if (origin !== 'remote' && origin !== 'local') throw new CacheInputError(`unknown origin "${String(origin)}"`);
  const message = optionalText(row.message, 'message') ?? '';
  if (message.length > MAX_FIELD) throw new CacheInputError(`message longer than ${MAX_FIELD} characters`);
  const severity = optionalText(row.severity, 'severity');
  let metadata: string;
  const md = row.metadata;
  if (md === undefined || md === null) metadata = '{}';
  else if (typeof md === 'string') {
    // pg returns json (not jsonb) columns as text; keep valid JSON objects, wrap anything else.
    try {
      const v = JSON.parse(md) as unknown;
      metadata = v && typeof v === 'object' && !Array.isArray(v) ? md : JSON.stringify({ value: v });
    } catch {
      metadata = JSON.stringify({ value: md });
    }
  } else {
    try {
      metadata = JSON.stringify(typeof md === 'object' && !Array.isArray(md) ? md : { value: md });
    } catch (err) {
      throw new CacheInputError(`metadata is not JSON-serialisable: ${(err as Error).message}`);
    }
  }
  return [
    row.kind,
    origin,
    remoteTable,
    remoteId,
    ts,
    severity === null ? null : severity.toLowerCase(),
    optionalText(row.source, 'source'),
    optionalText(row.type, 'type'),
    message,
    metadata,
  ];
}

