/**
 * Export through the cache worker: the worker runs Cache.exportRecords into a Writable that posts
 * each chunk to the main thread and waits for its acknowledgement (the main thread acknowledges once
 * its own stream accepted the chunk), so backpressure crosses the thread boundary and memory stays
 * bounded however large the export.
 */
import { Writable } from 'node:stream';
import type { ExportFormat, RecordFilter } from '../../../shared/store';
import type { Cache } from './cache';
import type { ExportResult } from './export';
import type { FromWorker } from './rpc';

/** Streams an export to the main thread in chunks, one unacknowledged chunk at a time. */
export class ExportService {
  private readonly acks = new Map<number, (abort: boolean) => void>();

  constructor(
    private readonly cache: Cache,
    private readonly post: (m: FromWorker) => void,
  ) {}

  exportRecords(streamId: number, filter: RecordFilter, format: ExportFormat, opts: { maxRows?: number; maxBytes?: number } = {}): Promise<ExportResult> {
    // writeExport reports (rows, bytes) just before each chunk it writes: one entry per chunk, in order.
    const counts: { rows: number; bytes: number }[] = [];
    const out = new Writable({
      decodeStrings: false,
      highWaterMark: 256 * 1024,
      write: (chunk: string | Buffer, _enc, cb) => {
        this.acks.set(streamId, (abort) => cb(abort ? new Error('the export was stopped: its destination failed or closed') : undefined));
        const { rows, bytes } = counts.shift() ?? { rows: 0, bytes: 0 };
        this.post({ type: 'chunk', id: streamId, data: typeof chunk === 'string' ? chunk : chunk.toString('utf8'), rows, bytes });
      },
    });
    // An aborted chunk errors the stream; writeExport sees it on its next write (no crash of the thread).
    out.on('error', () => undefined);
    const progress = (rows: number, bytes: number) => void counts.push({ rows, bytes });
    const run = async (): Promise<ExportResult> => {
      const result = await this.cache.exportRecords(filter, format, out, { maxRows: opts.maxRows, maxBytes: opts.maxBytes, progress });
      // Every chunk still buffered here must reach the main thread before the result does.
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      return result;
    };
    return run().finally(() => this.acks.delete(streamId));
  }

  /** Not a service method: called when the main thread took a chunk (or, `abort`, failed to). */
  acknowledged(streamId: number, abort = false): void {
    const ack = this.acks.get(streamId);
    this.acks.delete(streamId);
    ack?.(abort);
  }
}
