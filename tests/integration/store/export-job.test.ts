/**
 * The core's runExport, as the Electron shell uses it (a file the user chose): the file holds every
 * filtered record and the progress events end with its count and size; a destination that fails
 * (here: a folder that does not exist) ends with a 'failed' event saying why, and the cache worker
 * serves the next export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache } from '../../../src/main/core/store/cache';
import { CacheClient, type RemoteCache } from '../../../src/main/core/store/cache-client';
import { runExport } from '../../../src/main/core/export-job';
import type { ExportProgress } from '../../../src/shared/api/store';
import type { Emit } from '../../../src/main/core/context';

let dir: string;
let cache: RemoteCache;
const events: ExportProgress[] = [];
const emit = ((event: string, payload: ExportProgress) => {
  if (event === 'store.exportProgress') events.push(payload);
}) as Emit;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roman-export-job-'));
  const path = join(dir, 'cache.sqlite');
  const seed = Cache.open(path);
  const now = Date.now();
  seed.insertRecords(
    Array.from({ length: 5000 }, (_, i) => ({
      kind: 'log' as const,
      remoteTable: 'public.system_logs',
      remoteId: String(i),
      timestamp: now - i * 1000,
      severity: i % 2 ? 'error' : 'info',
      message: `Line ${i} ${'y'.repeat(100)}`,
    })),
  );
  seed.close();
  cache = CacheClient.open(path);
  await cache.ready;
});

afterAll(async () => {
  await cache?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runExport to a file', () => {
  it('writes every filtered record and reports the final count and size', async () => {
    const file = join(dir, 'out.jsonl');
    const r = await runExport(cache, { exportId: 'file-export-1', format: 'jsonl', filter: { severity: ['error'] }, fileName: 'out.jsonl' }, createWriteStream(file), emit);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2500);
    expect(r).toMatchObject({ rows: 2500, bytes: statSync(file).size });
    expect(events.filter((e) => e.exportId === 'file-export-1').at(-1)).toEqual({
      exportId: 'file-export-1',
      state: 'done',
      format: 'jsonl',
      rows: 2500,
      bytes: statSync(file).size,
      fileName: 'out.jsonl',
    });
  });

  it('a destination that cannot be written fails with the reason, and the next export works', async () => {
    const bad = createWriteStream(join(dir, 'no-such-folder', 'out.csv'));
    await expect(runExport(cache, { exportId: 'file-export-2', format: 'csv', filter: {}, fileName: 'out.csv' }, bad, emit)).rejects.toThrow(/ENOENT/);
    const last = events.filter((e) => e.exportId === 'file-export-2').at(-1);
    expect(last).toMatchObject({ state: 'failed' });
    expect(last?.state === 'failed' ? last.message : '').toMatch(/ENOENT/);
    const file = join(dir, 'again.csv');
    const r = await runExport(cache, { exportId: 'file-export-3', format: 'csv', filter: {}, fileName: 'again.csv' }, createWriteStream(file), emit);
    expect(r.rows).toBe(5000);
    expect(readFileSync(file, 'utf8').trim().split('\r\n')).toHaveLength(5001);
  });
});
