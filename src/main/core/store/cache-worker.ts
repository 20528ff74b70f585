/**
 * The cache worker (a worker_threads Worker, started by cache-client.ts): it owns the SQLite handle
 * (better-sqlite3) and the sync's Postgres connections, and serves `CacheServices` over the typed
 * RPC (rpc.ts). The main thread — Electron's main process, the browser host, the CLI — only sends
 * calls and receives results, so no SQLite batch ever blocks its event loop.
 *
 * Two channels: the worker's port for asynchronous calls, events ('store.changed', 'sync.progress')
 * and export chunks; and a second port plus a SharedArrayBuffer for the few calls the main thread
 * must make synchronously (the alert engine's state store, see AlertStateStore), answered as soon as
 * the worker's event loop turns (between two sync batches at worst).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { systemClock, type Clock } from '../clock';
import { Cache, type CacheOpenOptions } from './cache';
import { CacheAlertStateStore } from './alert-state';
import { ExportService } from './export-stream';
import { resolveMethod, serializeError, type FromWorker, type ToWorker } from './rpc';
import { WorkerSync } from '../sync/worker-sync';
import type { CacheServices } from './cache-services';

export interface CacheWorkerData {
  path: string;
  open: Pick<CacheOpenOptions, 'create' | 'cacheSizeMiB'>;
  /** The caller's clock is not the system clock: use the time each call carries. */
  callerClock: boolean;
  syncPort: MessagePort;
  /** Int32Array over it: [0] = reply counter the main thread waits on. */
  syncSignal: SharedArrayBuffer;
}

/** What the worker thread itself uses (heap is per thread; RSS is the whole process's). */
export class WorkerDiagnostics {
  memory(): NodeJS.MemoryUsage {
    return process.memoryUsage();
  }
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('cache-worker.ts runs inside a worker thread');
  const data = workerData as CacheWorkerData;
  const post = (m: FromWorker) => port.postMessage(m);
  let callerNow = Date.now();
  const clock: Clock = data.callerClock ? { now: () => new Date(callerNow) } : systemClock;

  let cache: Cache;
  try {
    cache = Cache.open(data.path, { ...data.open, clock });
  } catch (err) {
    post({ type: 'open-failed', error: serializeError(err) });
    return;
  }
  const exporter = new ExportService(cache, post);
  const sync = new WorkerSync(cache, (name, payload) => post({ type: 'event', name, payload }));
  const services: CacheServices = {
    cache,
    triage: cache.triage,
    outbox: cache.outbox,
    audit: cache.audit,
    alertState: new CacheAlertStateStore(cache),
    sync,
    export: exporter,
    diagnostics: new WorkerDiagnostics(),
  };
  cache.onChange((change) => post({ type: 'event', name: 'store.changed', payload: change }));

  port.on('message', (m: ToWorker<CacheServices>) => {
    if (m.type === 'stream-ack') return exporter.acknowledged(m.id, m.abort === true);
    if (m.type === 'close') {
      void sync.closePools().finally(() => {
        cache.close();
        post({ type: 'closed' });
        port.close();
        data.syncPort.close();
      });
      return;
    }
    callerNow = m.now;
    let value: unknown;
    try {
      value = resolveMethod(services as unknown as Record<string, object>, m.service, m.method)(...(m.args as unknown[]));
    } catch (err) {
      return post({ type: 'error', id: m.id, error: serializeError(err) });
    }
    if (value instanceof Promise) {
      value.then(
        (v: unknown) => post({ type: 'result', id: m.id, value: v }),
        (err: unknown) => post({ type: 'error', id: m.id, error: serializeError(err) }),
      );
    } else {
      post({ type: 'result', id: m.id, value });
    }
  });

  // Synchronous calls: answer, then wake the waiting main thread.
  const signal = new Int32Array(data.syncSignal);
  data.syncPort.on('message', (m: ToWorker<CacheServices>) => {
    if (m.type !== 'call') return;
    callerNow = m.now;
    let reply: FromWorker;
    try {
      const v = resolveMethod(services as unknown as Record<string, object>, m.service, m.method)(...(m.args as unknown[]));
      if (v instanceof Promise) throw new TypeError(`${m.service}.${m.method} is asynchronous: call it without callSync`);
      reply = { type: 'result', id: m.id, value: v };
    } catch (err) {
      reply = { type: 'error', id: m.id, error: serializeError(err) };
    }
    data.syncPort.postMessage(reply);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  });

  post({ type: 'ready' });
}

main();
