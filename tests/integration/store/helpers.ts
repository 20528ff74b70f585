/** Test support for the store tests: temporary cache files and deterministic record generators. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache } from '../../../src/main/core/store/cache';
import type { NewRecord } from '../../../src/main/core/store/records';
import { ManualClock } from '../../../src/main/core/clock';
import { CacheClient, type RemoteCache } from '../../../src/main/core/store/cache-client';

export interface TempCache {
  dir: string;
  path: string;
  cache: Cache;
  clock: ManualClock;
  cleanup(): void;
}

export function tempDir(prefix = 'roman-store-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openTempCache(now = '2026-03-01T12:00:00Z'): TempCache {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'cache.sqlite');
  const clock = new ManualClock(now);
  const cache = Cache.open(path, { clock });
  return {
    dir,
    path,
    cache,
    clock,
    cleanup: () => {
      if (cache.isOpen) cache.close();
      cleanup();
    },
  };
}

export function logRow(id: number, over: Partial<NewRecord> = {}): NewRecord {
  return {
    kind: 'log',
    remoteTable: 'public.system_logs',
    remoteId: id,
    timestamp: new Date(Date.parse('2026-03-01T00:00:00Z') + id * 1000),
    severity: 'info',
    source: 'api',
    message: `request ${id} served`,
    metadata: { latency_ms: id % 500 },
    ...over,
  };
}

export interface TempCacheClient {
  dir: string;
  path: string;
  /** The cache served by its worker thread, as the app uses it. */
  cache: RemoteCache;
  clock: ManualClock;
  cleanup(): Promise<void>;
}

/** A temporary cache opened through the cache worker (CacheClient), ready to use. */
export async function openTempCacheClient(now = '2026-03-01T12:00:00Z'): Promise<TempCacheClient> {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'cache.sqlite');
  const clock = new ManualClock(now);
  const cache = CacheClient.open(path, { clock });
  await cache.ready;
  return {
    dir,
    path,
    cache,
    clock,
    cleanup: async () => {
      await cache.close();
      cleanup();
    },
  };
}
