/**
 * API contract of the store domain (capability 10, offline review): search, inspect and export the
 * local cache, verify its audit chain, and see how fresh it is. Works with the database unreachable.
 */
import { z } from 'zod';
import {
  RECORD_KINDS,
  RECORD_ORIGINS,
  SEVERITIES,
  type AuditVerification,
  type CacheStatus,
  type RecordPage,
  type StoredRecordDetail,
} from '../store';

const timeBound = z.union([
  z.string().trim().min(1).max(64),
  z.number().int('must be epoch milliseconds').nonnegative(),
]);

/** Filters shared by search and export (all optional, combined with AND). */
export const recordFilterSchema = z
  .object({
    text: z.string().max(1000, 'search text must be at most 1000 characters').optional(),
    severity: z.array(z.enum(SEVERITIES)).max(SEVERITIES.length).optional(),
    source: z.string().max(200).optional(),
    type: z.string().max(200).optional(),
    kind: z.union([z.enum(RECORD_KINDS), z.array(z.enum(RECORD_KINDS)).max(RECORD_KINDS.length)]).optional(),
    origin: z.enum(RECORD_ORIGINS).optional(),
    /** '24h', '7d', ISO-8601 or epoch ms; inclusive. */
    since: timeBound.optional(),
    /** Same forms; exclusive. */
    until: timeBound.optional(),
  })
  .strict();

/**
 * A streamed export to a file the user chooses (any size): the Electron shell's save dialog
 * (`window.roman.exportToFile`), or the browser host's download endpoint (`POST /api/exports`
 * then `GET /api/exports/<exportId>`). Progress arrives as 'store.exportProgress' events.
 */
export const exportRequestSchema = z
  .object({
    /** Chosen by the caller (Electron) or by the host (browser): names the progress events. */
    exportId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'exportId must be 8-64 letters, digits, - or _').optional(),
    format: z.enum(['csv', 'jsonl']),
    filter: recordFilterSchema.default({}),
  })
  .strict();
export type ExportRequest = z.input<typeof exportRequestSchema>;

export type ExportProgress =
  | { exportId: string; state: 'running'; rows: number; bytes: number }
  | { exportId: string; state: 'done'; format: 'csv' | 'jsonl'; rows: number; bytes: number; fileName: string }
  | { exportId: string; state: 'failed'; rows: number; bytes: number; message: string };

/** What `window.roman.exportToFile` answers (Electron): the chosen file, or canceled. */
export type ExportToFileOutput =
  | { canceled: true }
  | { canceled: false; path: string; format: 'csv' | 'jsonl'; rows: number; bytes: number };

/** The export's file name: roman-audit-log-2026-11-28T17-45-01Z.csv */
export function exportFileName(format: 'csv' | 'jsonl', now: Date): string {
  return `roman-audit-log-${now.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.${format}`;
}

/** Largest text `store.export` returns (bigger exports: exportRequestSchema above, or `roman events export --out FILE`). */
export const STORE_EXPORT_MAX_BYTES = 8 * 1024 * 1024;

export const storeInputs = {
  'store.search': recordFilterSchema
    .extend({
      limit: z.number().int().min(1).max(500).default(100),
      cursor: z.string().max(200).nullish(),
    })
    .strict(),
  /** The exact number of records a filter matches (the page asks for it after the first page). */
  'store.count': recordFilterSchema,
  'store.record': z.object({ id: z.number().int().positive() }).strict(),
  'store.export': recordFilterSchema
    .extend({
      format: z.enum(['csv', 'jsonl']),
      maxRows: z.number().int().min(1).max(1_000_000).optional(),
    })
    .strict(),
  'store.verifyAudit': z.object({}).strict(),
  'store.status': z.object({}).strict(),
  /** PRAGMA integrity_check + the FTS index's own check, on demand. */
  'store.integrityCheck': z.object({}).strict(),
} satisfies Record<string, z.ZodType>;

export interface StoreExportOutput {
  format: 'csv' | 'jsonl';
  text: string;
  rows: number;
  bytes: number;
  /** True when the export hit maxRows or STORE_EXPORT_MAX_BYTES; narrow the filter or use the CLI. */
  truncated: boolean;
}

export interface StoreOutputs {
  'store.search': RecordPage;
  'store.count': { total: number };
  'store.record': StoredRecordDetail;
  'store.export': StoreExportOutput;
  'store.verifyAudit': AuditVerification;
  'store.status': CacheStatus;
  'store.integrityCheck': { ok: boolean; problems: string[]; checkedAt: string };
}

export interface StoreEvents {
  /** Records were added to the cache (by sync, a decision, an alert…); lists of these kinds refresh. */
  'store.changed': { kinds: string[] };
  /** A streamed export's rows and bytes written so far, then its outcome. */
  'store.exportProgress': ExportProgress;
}
