/**
 * Handlers of the store domain: they read the local cache only, so they keep working while the
 * monitored database is unreachable. Bad filters and cursors become invalid_input; a cache that
 * cannot be opened becomes unavailable.
 */
import { Writable } from 'node:stream';
import { DomainError } from '../../../shared/result';
import { STORE_EXPORT_MAX_BYTES } from '../../../shared/api/store';
import type { RecordFilter } from '../../../shared/store';
import type { Emit } from '../context';
import type { HandlerRegistry } from './registry';
import { CacheInputError, type ChangeListener } from '../store/cache';
import type { RemoteCache } from '../store/cache-client';

export interface StoreHandlerDeps {
  /** The cache of the active connection profile (may throw if it cannot be opened). */
  cache: () => RemoteCache;
}

function openCache(deps: StoreHandlerDeps): RemoteCache {
  try {
    return deps.cache();
  } catch (err) {
    throw new DomainError('unavailable', `local cache unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function asDomainError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CacheInputError) throw new DomainError('invalid_input', err.message);
    throw err;
  }
}

function filterOf(input: RecordFilter): RecordFilter {
  const { text, severity, source, type, kind, origin, since, until } = input;
  return { text, severity, source, type, kind, origin, since, until };
}

export function registerStoreHandlers(registry: HandlerRegistry, deps: StoreHandlerDeps): void {
  registry.method('store.search', (input) => {
    const cache = openCache(deps);
    return asDomainError(async () => {
      const page = await cache.search({ ...filterOf(input), limit: input.limit, cursor: input.cursor ?? undefined });
      return { rows: page.rows, nextCursor: page.nextCursor };
    });
  });

  registry.method('store.count', (input) => {
    const cache = openCache(deps);
    return asDomainError(async () => ({ total: await cache.count(filterOf(input)) }));
  });

  registry.method('store.record', async (input) => {
    const record = await openCache(deps).getRecord(input.id);
    if (!record) throw new DomainError('not_found', `no cached record with id ${input.id}`);
    return record;
  });

  registry.method('store.export', async (input) => {
    const cache = openCache(deps);
    const chunks: string[] = [];
    const sink = new Writable({
      decodeStrings: false,
      write(chunk: string | Buffer, _enc, cb) {
        chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
        cb();
      },
    });
    try {
      const result = await cache.exportRecords(filterOf(input), input.format, sink, {
        maxBytes: STORE_EXPORT_MAX_BYTES,
        ...(input.maxRows !== undefined ? { maxRows: input.maxRows } : {}),
      });
      return { format: input.format, text: chunks.join(''), ...result };
    } catch (err) {
      if (err instanceof CacheInputError) throw new DomainError('invalid_input', err.message);
      throw err;
    }
  });

  registry.method('store.verifyAudit', () => openCache(deps).verifyAuditChain());

  registry.method('store.status', () => openCache(deps).status());
  registry.method('store.integrityCheck', () => openCache(deps).integrityCheck());
}

/** Pushes 'store.changed' to every window whenever records are added to `cache`. Returns unsubscribe. */
export function forwardStoreChanges(cache: { onChange(listener: ChangeListener): () => void }, emit: Emit): () => void {
  return cache.onChange(({ kinds }) => emit('store.changed', { kinds }));
}
