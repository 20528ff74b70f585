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
  private readonly acks = new Map<number, () => void>();

  constructor(
    private readonly cache: Cache,
    private readonly post: (m: FromWorker) => void,
  ) {}

  exportRecords(streamId: number, filter: RecordFilter, format: ExportFormat, opts: { maxRows?: number; maxBytes?: number } = {}): Promise<ExportResult> {
    const out = new Writable({
      decodeStrings: false,
      highWaterMark: 256 * 1024,
      write: (chunk: string | Buffer, _enc, cb) => {
        this.acks.set(streamId, () => cb());
        this.post({ type: 'chunk', id: streamId, data: typeof chunk === 'string' ? chunk : chunk.toString('utf8') });
      },
    });
    return this.cache.exportRecords(filter, format, out, opts).finally(() => this.acks.delete(streamId));
  }

  /** Not a service method: called when the main thread took a chunk. */
  acknowledged(streamId: number): void {
    const ack = this.acks.get(streamId);
    this.acks.delete(streamId);
    ack?.();
  }
}
