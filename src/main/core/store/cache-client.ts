/**
 * The main thread's handle on a cache that lives in a worker thread (cache-worker.ts). It looks like
 * the Cache — the same methods, returning Promises (`Promisified<Cache>`, derived from the class, see
 * rpc.ts and cache-services.ts) — plus `triage`, `outbox`, `audit` and `sync` the same way, so call
 * sites change from `cache.search(f)` to `await cache.search(f)` and nothing else.
 *
 *   const cache = CacheClient.open(path, { clock });   // starts the worker; returns at once
 *   await cache.ready;                                   // rejects with CacheSchemaError & co.
 *   const page = await cache.search({ text: 'timeout' });
 *   const r = await cache.sync.run(url, { runId });      // push + pull, in the worker
 *
 * Local replacements for what cannot cross threads: `onChange` (the worker's change events),
 * `exportRecords` (chunks streamed with backpressure into a main-thread Writable), `alertState` (a
 * synchronous AlertStateStore, answered through a SharedArrayBuffer handshake), `close`.
 *
 * A worker that dies (a crash, an out-of-memory, `kill()`) is restarted at once (then with backoff
 * if it keeps dying): calls in flight fail with CacheWorkerStoppedError — they were never
 * acknowledged, and whatever they committed is in the file — later calls go to the new worker, and
 * `onStatus` listeners hear about it. A cache that cannot be opened (newer schema, missing file) is
 * not retried: `ready` and every call reject with that error.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { systemClock, type Clock } from '../clock';
import type { ExportFormat, RecordFilter } from '../../../shared/store';
import type { AlertAck, AlertStateStore } from '../alerts/engine';
import type { Silence } from '../../../shared/alerts';
import type { Cache, CacheOpenOptions } from './cache';
import { CacheInputError, CacheNotFoundError } from './cache';
import { CacheSchemaError } from './schema';
import { TriageInputError } from './triage';
import type { ExportOptions, ExportResult } from './export';
import type { CacheServices } from './cache-services';
import { createRemote, deserializeError, type ErrorClasses, type FromWorker, type Promisified, type Remote, type RpcCall, type ToWorker } from './rpc';
import type { CacheWorkerData } from './cache-worker';
import type { SyncProgressEvent } from '../sync/worker-sync';
import type { ChangeListener } from './cache';

export interface CacheWorkerStatus {
  state: 'starting' | 'ready' | 'restarting' | 'failed' | 'closed';
  /** Times the worker died unexpectedly and was restarted. */
  restarts: number;
  /** The last unexpected stop. */
  lastCrash: { at: string; reason: string } | null;
  /** Why the cache could not be opened (state 'failed'). */
  error: string | null;
}

export interface CacheClientOptions extends Pick<CacheOpenOptions, 'create' | 'cacheSizeMiB'> {
  clock?: Clock;
  /** Synchronous calls (alertState) give up after this long (default 15 s). */
  syncCallTimeoutMs?: number;
}

/** A call that was in flight when the worker stopped: it was not acknowledged. */
export class CacheWorkerStoppedError extends Error {
  constructor(reason: string) {
    super(`cache worker stopped (${reason}); the call was not acknowledged`);
    this.name = 'CacheWorkerStoppedError';
  }
}

const ERROR_CLASSES: ErrorClasses = { CacheInputError, CacheNotFoundError, CacheSchemaError, TriageInputError };

/** Methods that take callbacks, transactions or streams: local replacements or not offered. */
type LocalOnly = 'transaction' | 'durableTransaction' | 'onChange' | 'exportRecords' | 'close';

/** What the rest of the app holds: the client plus every (promisified) Cache method. */
export type RemoteCache = CacheClient & Omit<Promisified<Cache>, LocalOnly | keyof CacheClient>;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Running {
  worker: Worker;
  syncPort: MessagePort;
  signal: Int32Array;
  startedAt: number;
  ready: boolean;
}

function workerEntry(): { entry: string; tsx: string | null } {
  const js = join(__dirname, 'cache-worker.js');
  if (existsSync(js)) return { entry: js, tsx: null };
  const ts = join(__dirname, 'cache-worker.ts');
  if (existsSync(ts)) return { entry: ts, tsx: require.resolve('tsx/cjs/api') };
  throw new Error(`cache worker not found next to ${__dirname}`);
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.tsx) require(workerData.tsx).register();
require(workerData.entry);
`;

export class CacheClient {
  readonly triage: Promisified<CacheServices['triage']>;
  readonly outbox: Omit<Promisified<CacheServices['outbox']>, 'drain'>;
  readonly audit: Promisified<CacheServices['audit']>;
  readonly sync: Promisified<CacheServices['sync']>;
  /** The worker's own memory use (its heap; RSS is the process's, threads share it). */
  readonly diagnostics: Promisified<CacheServices['diagnostics']>;
  /** The alert engine's state store, synchronous (the engine loads it while being built). */
  readonly alertState: AlertStateStore;
  /** Resolves when the cache is open in the worker; rejects when it cannot be opened. */
  readonly ready: Promise<void>;
  private readonly remote: Remote<CacheServices>;
  private running: Running | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private queue: ToWorker<CacheServices>[] = [];
  private readonly chunkSinks = new Map<number, (data: string, rows: number, bytes: number) => void>();
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly progressListeners = new Set<(p: SyncProgressEvent) => void>();
  private readonly statusListeners = new Set<(s: CacheWorkerStatus) => void>();
  private state: CacheWorkerStatus = { state: 'starting', restarts: 0, lastCrash: null, error: null };
  private openError: Error | null = null;
  private settleReady!: { resolve(): void; reject(e: Error): void };
  private restartTimer: NodeJS.Timeout | null = null;
  private backoffMs = 0;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly path: string,
    readonly clock: Clock,
    private readonly opts: CacheClientOptions,
  ) {
    this.ready = new Promise<void>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined); // callers that never await it must not see an unhandled rejection
    this.remote = createRemote<CacheServices>((c) => this.call(c));
    this.triage = this.remote.triage;
    this.outbox = this.remote.outbox;
    this.audit = this.remote.audit;
    this.sync = this.remote.sync;
    this.diagnostics = this.remote.diagnostics;
    const sync = <M extends keyof AlertStateStore & string>(method: M, args: Parameters<AlertStateStore[M]>) =>
      this.callSync({ service: 'alertState', method, args } as RpcCall<CacheServices>);
    this.alertState = {
      load: (endedAfter: Date) => sync('load', [endedAfter]) as { silences: Silence[]; acks: AlertAck[] },
      saveSilence: (s: Silence) => void sync('saveSilence', [s]),
      expireSilence: (id: string, endsAt: string, expiredAt: string) => void sync('expireSilence', [id, endsAt, expiredAt]),
      saveAck: (a: AlertAck) => void sync('saveAck', [a]),
      deleteAck: (fingerprint: string) => void sync('deleteAck', [fingerprint]),
    };
  }

  /** Starts the worker that opens `path`; returns at once (see `ready`). */
  static open(path: string, opts: CacheClientOptions = {}): RemoteCache {
    const client = new CacheClient(path, opts.clock ?? systemClock, opts);
    client.start();
    // Every Cache method not defined here goes to the worker's `cache` service.
    return new Proxy(client, {
      get(target, prop, receiver) {
        if (typeof prop !== 'string' || prop in target) return Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'then') return undefined;
        return (...args: unknown[]) => target.call({ service: 'cache', method: prop, args } as RpcCall<CacheServices>);
      },
    }) as RemoteCache;
  }

  get isOpen(): boolean {
    return this.state.state !== 'closed' && this.state.state !== 'failed';
  }

  workerStatus(): CacheWorkerStatus {
    return { ...this.state };
  }

  /** Hears every change of the worker's state (restarts included). Returns unsubscribe. */
  onWorkerStatus(listener: (s: CacheWorkerStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Called after a transaction that added records committed in the worker. */
  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Progress of `sync.run(url, { runId })` calls. */
  onSyncProgress(listener: (p: SyncProgressEvent) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /**
   * Cache.exportRecords, streamed from the worker into `out` with backpressure; `opts.progress`
   * hears (rows, bytes) written so far as each chunk arrives.
   */
  async exportRecords(filter: RecordFilter, format: ExportFormat, out: Writable, opts: ExportOptions = {}): Promise<ExportResult> {
    const streamId = this.nextId++;
    let failed: Error | null = null;
    const { progress, ...caps } = opts;
    this.chunkSinks.set(streamId, (data, rows, bytes) => {
      try {
        progress?.(rows, bytes);
      } catch {
        // a progress listener's failure must not stop the export
      }
      // After a failure the worker is told to stop (its next write fails) rather than export the rest.
      const ack = () => this.post(failed ? { type: 'stream-ack', id: streamId, abort: true } : { type: 'stream-ack', id: streamId });
      if (!failed && out.destroyed) failed = new Error('the export destination was closed before the export finished');
      if (failed) return ack();
      try {
        if (out.write(data)) return ack();
        const go = () => {
          out.off('drain', go);
          out.off('close', go);
          if (!out.writableFinished && out.destroyed) failed ??= new Error('the export destination was closed before the export finished');
          ack();
        };
        out.on('drain', go);
        out.on('close', go);
      } catch (err) {
        failed = err as Error;
        ack();
      }
    });
    const onError = (err: Error) => (failed ??= err);
    out.on('error', onError);
    try {
      const r = await this.remote.export.exportRecords(streamId, filter, format, caps);
      if (failed) throw failed;
      return r;
    } finally {
      this.chunkSinks.delete(streamId);
      out.off('error', onError);
    }
  }

  /**
   * Stops the worker abruptly, as a crash would (a batch in progress is rolled back by SQLite). The
   * client restarts it like after any crash. For tests and diagnostics.
   */
  async kill(): Promise<void> {
    const r = this.running;
    if (r) await r.worker.terminate();
  }

  /** The worker's thread id (null while none runs). */
  get workerThreadId(): number | null {
    return this.running?.worker.threadId ?? null;
  }

  /** Closes the cache in the worker and stops it. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const r = this.running;
    const wasFailed = this.state.state === 'failed';
    this.setState({ state: 'closed' });
    if (!r) return;
    const exited = new Promise<void>((resolve) => r.worker.once('exit', () => resolve()));
    if (r.ready && !wasFailed) {
      // Let the worker close SQLite cleanly (checkpoint, optimize); terminate if it does not.
      r.worker.postMessage({ type: 'close' } satisfies ToWorker<CacheServices>);
      const timer = setTimeout(() => void r.worker.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    } else {
      await r.worker.terminate();
    }
    this.failPending(new CacheWorkerStoppedError('closed'));
  }

  /** Sends one call to the worker (queued while it restarts). */
  call(c: RpcCall<CacheServices>): Promise<unknown> {
    if (this.state.state === 'closed') return Promise.reject(new Error(`cache ${this.path} is closed`));
    if (this.state.state === 'failed' && this.openError) return Promise.reject(this.openError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.keepAlive();
      this.post({ type: 'call', id, now: this.clock.now().getTime(), ...c } as ToWorker<CacheServices>);
    });
  }

  /** Blocks until the worker answered (between two of its batches at worst). Rare, small calls only. */
  private callSync(c: RpcCall<CacheServices>): unknown {
    if (this.state.state === 'closed') throw new Error(`cache ${this.path} is closed`);
    if (this.openError) throw this.openError;
    const r = this.running;
    if (!r) throw new CacheWorkerStoppedError('restarting');
    const id = this.nextId++;
    let seen = Atomics.load(r.signal, 0);
    r.syncPort.postMessage({ type: 'call', id, now: this.clock.now().getTime(), ...c } as ToWorker<CacheServices>);
    const deadline = Date.now() + (this.opts.syncCallTimeoutMs ?? 15_000);
    for (;;) {
      const got = receiveMessageOnPort(r.syncPort)?.message as FromWorker | undefined;
      if (got && (got.type === 'result' || got.type === 'error') && got.id === id) {
        if (got.type === 'error') throw deserializeError(got.error, ERROR_CLASSES);
        return got.value;
      }
      if (got) continue; // a late answer to an abandoned call
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`cache worker did not answer ${c.service}.${c.method} within ${this.opts.syncCallTimeoutMs ?? 15_000} ms`);
      Atomics.wait(r.signal, 0, seen, left);
      seen = Atomics.load(r.signal, 0);
    }
  }

  private post(m: ToWorker<CacheServices>): void {
    if (this.running) this.running.worker.postMessage(m);
    else this.queue.push(m);
  }

  private start(): void {
    const { entry, tsx } = workerEntry();
    const channel = new MessageChannel();
    const syncSignal = new SharedArrayBuffer(4);
    const data: CacheWorkerData & { entry: string; tsx: string | null } = {
      entry,
      tsx,
      path: this.path,
      open: { create: this.opts.create, cacheSizeMiB: this.opts.cacheSizeMiB },
      callerClock: this.clock !== systemClock,
      syncPort: channel.port2,
      syncSignal,
    };
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: data, transferList: [channel.port2], env: process.env });
    worker.unref();
    const running: Running = { worker, syncPort: channel.port1, signal: new Int32Array(syncSignal), startedAt: Date.now(), ready: false };
    this.running = running;
    worker.on('message', (m: FromWorker) => this.onMessage(running, m));
    worker.on('error', (err) => {
      this.lastWorkerError = err;
    });
    worker.on('exit', (code) => this.onExit(running, code));
    const queued = this.queue;
    this.queue = [];
    for (const m of queued) worker.postMessage(m);
    this.keepAlive();
  }

  private lastWorkerError: Error | null = null;

  private onMessage(r: Running, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        r.ready = true;
        this.keepAlive();
        this.backoffMs = 0;
        this.setState({ state: 'ready', error: null });
        this.settleReady.resolve();
        return;
      case 'open-failed': {
        this.openError = deserializeError(m.error, ERROR_CLASSES);
        this.setState({ state: 'failed', error: this.openError.message });
        this.settleReady.reject(this.openError);
        this.failPending(this.openError);
        void r.worker.terminate();
        return;
      }
      case 'result':
      case 'error': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.keepAlive();
        if (m.type === 'result') p.resolve(m.value);
        else p.reject(deserializeError(m.error, ERROR_CLASSES));
        return;
      }
      case 'chunk':
        this.chunkSinks.get(m.id)?.(m.data, m.rows, m.bytes);
        return;
      case 'event':
        if (m.name === 'store.changed') {
          for (const l of this.changeListeners) {
            try {
              l(m.payload as Parameters<ChangeListener>[0]);
            } catch {
              // a listener's failure must not hide the change from the others
            }
          }
        } else if (m.name === 'sync.progress') {
          for (const l of this.progressListeners) {
            try {
              l(m.payload as SyncProgressEvent);
            } catch {
              // as above
            }
          }
        }
        return;
      case 'closed':
        return;
    }
  }

  private onExit(r: Running, code: number): void {
    if (this.running === r) this.running = null;
    r.syncPort.close();
    if (this.state.state === 'closed' || this.state.state === 'failed') return;
    const reason = this.lastWorkerError ? `${this.lastWorkerError.name}: ${this.lastWorkerError.message}` : `exit code ${code}`;
    this.lastWorkerError = null;
    this.failPending(new CacheWorkerStoppedError(reason));
    this.setState({ state: 'restarting', restarts: this.state.restarts + 1, lastCrash: { at: this.clock.now().toISOString(), reason } });
    // A worker that dies again right after starting is restarted with growing delays (up to 30 s).
    this.backoffMs = Date.now() - r.startedAt < 5000 ? Math.min(30_000, Math.max(100, this.backoffMs * 2)) : 0;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.state.state === 'restarting') this.start();
    }, this.backoffMs);
    this.restartTimer.unref();
  }

  private failPending(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.queue = [];
    this.keepAlive();
    for (const p of all) p.reject(err);
  }

  /** The worker keeps the process alive only while a call waits for it (a CLI exits when done). */
  private keepAlive(): void {
    const r = this.running;
    if (!r) return;
    const w = r.worker;
    if (!r.ready || this.pending.size > 0 || this.chunkSinks.size > 0) w.ref();
    else w.unref();
  }

  private setState(patch: Partial<CacheWorkerStatus>): void {
    this.state = { ...this.state, ...patch };
    const s = this.workerStatus();
    for (const l of this.statusListeners) {
      try {
        l(s);
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }
}
