/**
 * Export of cached records as CSV (RFC 4180 quoting) or JSON Lines, written to any Writable with
 * back-pressure, with optional row/byte caps (the UI asks for bounded text).
 */
import type { Writable } from 'node:stream';

export interface ExportRow {
  id: number;
  kind: string;
  origin: string;
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

/** Caps, and a callback told (rows, bytes) written so far each time a chunk goes out. */
export interface ExportOptions {
  maxRows?: number;
  maxBytes?: number;
  progress?: (rows: number, bytes: number) => void;
}

export interface ExportResult {
  rows: number;
  bytes: number;
  /** True when maxRows/maxBytes stopped the export early. */
  truncated: boolean;
}

export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'kind',
  'origin',
  'severity',
  'source',
  'type',
  'message',
  'remote_table',
  'remote_id',
  'chain_seq',
  'metadata',
] as const;

/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): a text cell starting with =, +, -, @, tab
 * or CR is read as a formula by Excel, LibreOffice and Google Sheets. Such cells get a leading
 * apostrophe, which spreadsheets show as plain text. Numbers (ids, sequence numbers) are left alone.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180: quote a field containing a comma, quote, CR or LF (or leading/trailing spaces); text that a spreadsheet would run as a formula is prefixed with '. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(r: ExportRow): string {
  return (
    [
      r.id,
      new Date(r.ts).toISOString(),
      r.kind,
      r.origin,
      r.severity,
      r.source,
      r.type,
      r.message,
      r.remote_table,
      r.remote_id,
      r.chain_seq,
      r.metadata ?? '{}',
    ]
      .map(csvField)
      .join(',') + '\r\n'
  );
}

function jsonLine(r: ExportRow): string {
  let metadata: unknown = {};
  try {
    metadata = JSON.parse(r.metadata ?? '{}');
  } catch {
    metadata = { unparseable: r.metadata };
  }
  return (
    JSON.stringify({
      id: r.id,
      timestamp: new Date(r.ts).toISOString(),
      kind: r.kind,
      origin: r.origin,
      severity: r.severity,
      source: r.source,
      type: r.type,
      message: r.message,
      remoteTable: r.remote_table,
      remoteId: r.remote_id,
      chainSeq: r.chain_seq,
      metadata,
    }) + '\n'
  );
}

function stopped(out: Writable): Error {
  return out.errored ?? new Error('the export destination was closed before the export finished');
}

function write(out: Writable, chunk: string): Promise<void> | null {
  if (out.destroyed) return Promise.reject(stopped(out));
  if (out.write(chunk)) return null;
  if (out.destroyed) return Promise.reject(stopped(out));
  return new Promise<void>((resolve, reject) => {
    const off = () => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
    };
    const onDrain = () => {
      off();
      resolve();
    };
    const onError = (err: Error) => {
      off();
      reject(err);
    };
    // A stream destroyed without an error event (or whose error already fired) still ends the wait.
    const onClose = () => {
      off();
      reject(stopped(out));
    };
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

export async function writeExport(
  rows: Iterable<ExportRow>,
  format: 'csv' | 'jsonl',
  out: Writable,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const maxRows = opts.maxRows ?? Infinity;
  const maxBytes = opts.maxBytes ?? Infinity;
  let bytes = 0;
  let count = 0;
  let truncated = false;
  let buffer = '';
  const flush = async () => {
    if (!buffer) return;
    const chunk = buffer;
    buffer = '';
    opts.progress?.(count, bytes);
    const wait = write(out, chunk);
    if (wait) await wait;
  };
  if (format === 'csv') {
    buffer = CSV_COLUMNS.join(',') + '\r\n';
    bytes += Buffer.byteLength(buffer);
  }
  const line = format === 'csv' ? csvLine : jsonLine;
  for (const r of rows) {
    if (count >= maxRows) {
      truncated = true;
      break;
    }
    const l = line(r);
    const len = Buffer.byteLength(l);
    if (bytes + len > maxBytes) {
      truncated = true;
      break;
    }
    buffer += l;
    bytes += len;
    count++;
    if (buffer.length >= 64 * 1024) await flush();
  }
  await flush();
  return { rows: count, bytes, truncated };
}
