/**
 * A streamed export of the filtered cache to a Writable the shell opened (the Electron shell: a file
 * the user chose in the save dialog; the browser host: the HTTP response the browser saves). The
 * records come from the cache worker in chunks with backpressure, so memory stays flat whatever the
 * size; 'store.exportProgress' events report rows and bytes written, then the outcome.
 */
import type { Writable } from 'node:stream';
import type { ExportProgress } from '../../shared/api/store';
import type { RecordFilter } from '../../shared/store';
import type { Emit } from './context';
import type { RemoteCache } from './store/cache-client';
import { CacheInputError } from './store/cache';
import type { ExportResult } from './store/export';

export interface ExportJob {
  exportId: string;
  format: 'csv' | 'jsonl';
  filter: RecordFilter;
  fileName: string;
}

/** At most one 'running' event per this many ms (plus one per outcome). */
const PROGRESS_EVERY_MS = 250;

function messageOf(err: unknown): string {
  if (err instanceof CacheInputError) return `invalid filter: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Waits until `out` flushed everything (a file: written to disk) or failed. */
function finish(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (out.writableFinished) return resolve();
    const done = () => {
      out.off('error', fail);
      resolve();
    };
    const fail = (err: Error) => {
      out.off('finish', done);
      reject(err);
    };
    out.once('finish', done);
    out.once('error', fail);
    out.end();
  });
}

/**
 * Streams `job` from `cache` into `out`, ends it, and emits progress. Resolves with the counts; on a
 * failure (cache, filter, a closed connection, a full disk) destroys `out`, emits 'failed' with the
 * reason and rejects with it.
 */
export async function runExport(cache: RemoteCache, job: ExportJob, out: Writable, emit: Emit): Promise<ExportResult> {
  let rows = 0;
  let bytes = 0;
  let last = 0;
  const report = (p: ExportProgress) => emit('store.exportProgress', p);
  // A client that went away (the browser's download canceled) fails the export instead of hanging.
  const closedEarly = new Promise<never>((_, reject) =>
    out.once('close', () => {
      if (!out.writableFinished) reject(out.errored ?? new Error('the destination was closed before the export finished (a canceled download, a closed file)'));
    }),
  );
  closedEarly.catch(() => undefined);
  try {
    report({ exportId: job.exportId, state: 'running', rows: 0, bytes: 0 });
    const result = await Promise.race([
      cache.exportRecords(job.filter, job.format, out, {
        progress: (r, b) => {
          rows = r;
          bytes = b;
          const now = Date.now();
          if (now - last >= PROGRESS_EVERY_MS) {
            last = now;
            report({ exportId: job.exportId, state: 'running', rows, bytes });
          }
        },
      }),
      closedEarly,
    ]);
    await Promise.race([finish(out), closedEarly]);
    report({ exportId: job.exportId, state: 'done', format: job.format, rows: result.rows, bytes: result.bytes, fileName: job.fileName });
    return result;
  } catch (err) {
    out.destroy();
    report({ exportId: job.exportId, state: 'failed', rows, bytes, message: messageOf(err) });
    throw err;
  }
}
