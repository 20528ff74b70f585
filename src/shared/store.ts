/**
 * Record types of the local cache (capability 10, offline review), shared by the core, the CLI and
 * the renderer. Everything the app has seen — events, logs, decisions, alerts, audit reports,
 * executed actions — is one `StoredRecord` shape, so one list, one search and one export cover it.
 */

export const RECORD_KINDS = ['event', 'log', 'decision', 'alert', 'audit_report', 'action'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** 'remote' = copied from the monitored Postgres by sync; 'local' = recorded by this desktop. */
export const RECORD_ORIGINS = ['remote', 'local'] as const;
export type RecordOrigin = (typeof RECORD_ORIGINS)[number];

/** Severities of `public.system_logs` (the only ones a filter accepts). */
export const SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isRecordKind(v: unknown): v is RecordKind {
  return typeof v === 'string' && (RECORD_KINDS as readonly string[]).includes(v);
}

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

/** One cached record as lists show it (no metadata: fetch it with `store.record`). */
export interface StoredRecord {
  /** Local id (stable for the life of the cache file). */
  id: number;
  kind: RecordKind;
  origin: RecordOrigin;
  /** e.g. 'public.system_logs', 'ops.roman_events'; null for local-only records. */
  remoteTable: string | null;
  remoteId: string | null;
  /** ISO-8601 UTC, millisecond precision. */
  timestamp: string;
  severity: string | null;
  source: string | null;
  /** event_type for ops.roman_events, alert rule, action kind, … */
  type: string | null;
  message: string;
  /** Sequence number in the tamper-evident audit chain, when the record is chained. */
  chainSeq: number | null;
}

export interface StoredRecordDetail extends StoredRecord {
  metadata: Record<string, unknown>;
}

/** Filters shared by search, count and export. All optional; they combine with AND. */
export interface RecordFilter {
  /** Full-text search over message, source and type. Any text is safe (it is quoted, never parsed). */
  text?: string;
  /** Any of these severities. */
  severity?: string[];
  source?: string;
  type?: string;
  /** One kind or any of several. */
  kind?: RecordKind | RecordKind[];
  origin?: RecordOrigin;
  /** Inclusive lower bound, ISO-8601 or epoch ms. */
  since?: string | number;
  /** Exclusive upper bound, ISO-8601 or epoch ms. */
  until?: string | number;
}

export interface RecordPage {
  rows: StoredRecord[];
  /** Opaque; pass it back as `cursor` for the next (older) page. Null on the last page. */
  nextCursor: string | null;
}

export type ExportFormat = 'csv' | 'jsonl';

export type AuditProblemKind =
  | 'hash_mismatch' // the entry's content or hash was edited
  | 'broken_link' // prev_hash does not match the previous entry (reordered, inserted or removed)
  | 'out_of_order' // the entry is linked to another entry than the one before it
  | 'gap' // sequence numbers missing (entries deleted)
  | 'truncated' // entries at the end of the chain were deleted
  | 'record_mismatch' // the cached record the entry covers was edited
  | 'record_missing'; // the cached record the entry covers was deleted

export interface AuditProblem {
  seq: number;
  problem: AuditProblemKind;
  detail: string;
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  headSeq: number | null;
  headHash: string | null;
  problems: AuditProblem[];
}

export interface CacheStatus {
  path: string;
  schemaVersion: number;
  rows: number;
  rowsByKind: Partial<Record<RecordKind, number>>;
  sizeBytes: number;
  oldest: string | null;
  newest: string | null;
  /** Latest time any sync cursor was written (null if never synced). */
  lastSyncedAt: string | null;
  syncCursors: { table: string; updatedAt: string }[];
  outboxPending: number;
  auditEntries: number;
}
