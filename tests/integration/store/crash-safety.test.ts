import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { buildSync, type BuildOptions } from 'esbuild';
import { join, resolve } from 'node:path';
import { Cache } from '../../../src/main/core/store/cache';
import { tempDir } from './helpers';

const root = resolve(__dirname, '../../..');
const child = join(__dirname, 'fixtures/ingest-child.ts');
const ROWS_PER_BATCH = 200;

interface RunResult {
  acked: number[];
  audited: number[];
  start: number;
}

/** Starts the ingesting child, SIGKILLs it `delayMs` after its first acknowledged batch. */
function runAndKill(path: string, delayMs: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    // Plain `node bundle.cjs`: SIGKILL hits the writer itself (the tsx launcher would leave its
    // child running) and each restart costs ~0.1 s instead of tsx's ~0.5 s.
    const p = spawn(process.execPath, [bundle, path, String(ROWS_PER_BATCH)], {
      cwd: root,
      env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    const audited: number[] = [];
    let start = -1;
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    p.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const [word, n] = line.split(' ');
        if (word === 'start') start = Number(n);
        if (word === 'ack') acked.push(Number(n));
        if (word === 'audit') audited.push(Number(n));
        if (word === 'ack' && !timer) timer = setTimeout(() => p.kill('SIGKILL'), delayMs);
      }
    });
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own (code ${code}): ${stderr}`));
      else resolvePromise({ acked, audited, start });
    });
  });
}

const dir = tempDir('roman-crash-');
const bundle = join(dir.dir, 'ingest-child.cjs');
beforeAll(() => {
  // The fixture is TypeScript using the real CacheClient; esbuild (what tsx runs on) bundles it and
  // the cache worker once, side by side (the client starts cache-worker.js from its own folder).
  const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['better-sqlite3'], logLevel: 'silent' };
  buildSync({ ...common, entryPoints: [child], outfile: bundle });
  buildSync({ ...common, entryPoints: [join(root, 'src/main/core/store/cache-worker.ts')], outfile: join(dir.dir, 'cache-worker.js') });
});
afterAll(() => dir.cleanup());

describe('Cache crash safety', () => {
  it('keeps every acknowledged write and a sound database across 10 SIGKILLs of the process running the cache worker', async () => {
    const path = join(dir.dir, 'crash.sqlite');
    const allAcked: number[] = [];
    const allAudited: number[] = [];
    for (let round = 0; round < 10; round++) {
      const delay = Math.floor(Math.random() * 60);
      const r = await runAndKill(path, delay);
      // each run resumes right after the last committed batch
      if (allAcked.length) expect(r.start).toBeGreaterThan(Math.max(...allAcked));
      allAcked.push(...r.acked);
      allAudited.push(...r.audited);

      const cache = Cache.open(path);
      try {
        expect(cache.integrityCheck()).toMatchObject({ ok: true, problems: [] });
        const perBatch = new Map(
          (
            cache.db
              .prepare("SELECT CAST(json_extract(metadata, '$.batch') AS INTEGER) AS b, count(*) AS n FROM records WHERE remote_table = 'crash.rows' GROUP BY b")
              .all() as { b: number; n: number }[]
          ).map((x) => [x.b, x.n]),
        );
        for (const b of allAcked) expect(perBatch.get(b), `batch ${b} acknowledged but missing`).toBe(ROWS_PER_BATCH);
        // atomic: no batch is ever half there, acknowledged or not
        for (const [b, n] of perBatch) expect(n, `batch ${b}`).toBe(ROWS_PER_BATCH);
        const auditedBatches = new Set(
          (cache.db.prepare("SELECT json_extract(metadata, '$.batch') AS b FROM records WHERE type = 'crash-test'").all() as { b: number }[]).map((x) => x.b),
        );
        for (const b of allAudited) expect(auditedBatches.has(b), `audit of batch ${b}`).toBe(true);
        const queued = new Set(cache.outbox.pending(100_000).map((i) => i.idempotencyKey));
        for (const b of allAudited) expect(queued.has(`batch-${b}`), `outbox item of batch ${b}`).toBe(true);
        expect(cache.verifyAuditChain().problems).toEqual([]);
        expect(cache.search({ text: `batch ${Math.max(...allAcked)} row 5`, limit: 5 }).rows.length).toBeGreaterThan(0);
      } finally {
        cache.close();
      }
    }
    expect(allAcked.length).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
