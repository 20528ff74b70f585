/**
 * Runbooks and emergency protocols for the app: follows the open workspace (its own small pool of
 * 2 connections, opened on demand), keeps the settings (schedules, time zone, project folder,
 * auto-run) in a JSON file of the data folder, runs the RunbookScheduler while auto-run is on
 * (off until an admin enables it in Settings — that is the standing approval of the schedules —
 * and never on the sample workspace: its data is generated), and relays progress to the UI. `wake()`
 * is what the shell calls on powerMonitor 'resume'.
 */
import { join } from 'node:path';
import type { Clock } from '../clock';
import { openPool, type RomanPool } from '../db/connection';
import { JsonFileBackend } from '../settings/json-file-backend';
import type { Workspaces } from '../workspace';
import { targetUrl } from '../workspace/workspace';
import { DomainError } from '../../../shared/result';
import { DEFAULT_RUNBOOK_SCHEDULES, type RunbookProgress, type RunbookSchedules } from '../../../shared/runbooks';
import type { RunbookSettings } from '../../../shared/api/runbooks';
import type { Emit } from '../context';
import { EmergencyDesk } from '../emergency';
import { type OperationsPort } from './operations-port';
import { createGatePort } from './gate-port';
import { cacheRecorder } from '../operations';
import { schemaAuditSection } from './schema-audit';
import { RunbookRunner } from './runner';
import { RunbookScheduler } from './scheduler';
import { validateSchedules } from './schedule';
import { RunbookStore } from './store';
import { Cache } from '../store/cache';
import { createHash } from 'node:crypto';

const KEY = 'runbooks';

interface Bound {
  workspaceId: string;
  sample: boolean;
  pool: RomanPool;
  store: RunbookStore;
  runner: RunbookRunner;
  desk: EmergencyDesk;
  scheduler: RunbookScheduler | null;
}

export interface RunbookServiceOptions {
  dataDir: string;
  clock: Clock;
  workspaces: Workspaces;
  emit: Emit;
  operations?: OperationsPort;
  /** How often to look for a changed workspace (default 30 s). */
  followMs?: number;
}

export class RunbookService {
  private readonly backend: JsonFileBackend;
  private bound: Bound | null = null;
  private running: RunbookProgress | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Rebinding is serialised: a settings change and a workspace change never bind twice. */
  private binding: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RunbookServiceOptions) {
    this.backend = new JsonFileBackend(join(opts.dataDir, 'runbooks.json'));
    this.timer = setInterval(() => void this.follow(), opts.followMs ?? 30_000);
    this.timer.unref?.();
  }

  settings(): RunbookSettings {
    const raw = (this.backend.get(KEY) ?? {}) as Partial<RunbookSettings>;
    let schedules: RunbookSchedules = DEFAULT_RUNBOOK_SCHEDULES;
    try {
      if (raw.schedules) schedules = validateSchedules(raw.schedules);
    } catch {
      // a damaged file falls back to the manual's schedules
    }
    return { schedules, projectDir: typeof raw.projectDir === 'string' && raw.projectDir ? raw.projectDir : null, autoRun: raw.autoRun === true };
  }

  setSettings(next: RunbookSettings): RunbookSettings {
    const value: RunbookSettings = { schedules: validateSchedules(next.schedules), projectDir: next.projectDir?.trim() || null, autoRun: next.autoRun };
    this.backend.set(KEY, value);
    void this.rebind(true);
    return value;
  }

  get progress(): RunbookProgress | null {
    return this.running;
  }

  /** The bound services for the open workspace (binding on first use). */
  async require(): Promise<Bound> {
    await this.follow();
    if (!this.bound) throw new DomainError('unavailable', 'no database is open: runbooks and emergency protocols run against the watched database');
    return this.bound;
  }

  isSample(): boolean {
    return this.opts.workspaces.open?.spec.kind === 'sample';
  }

  /** The laptop woke up: catch up on missed windows now. */
  async wake(): Promise<void> {
    await this.follow();
    await this.bound?.scheduler?.wake();
  }

  private follow(): Promise<void> {
    return this.rebind(false);
  }

  private rebind(settingsChanged: boolean): Promise<void> {
    this.binding = this.binding.then(
      () => this.doRebind(settingsChanged),
      () => this.doRebind(settingsChanged),
    );
    return this.binding;
  }

  private async doRebind(settingsChanged: boolean): Promise<void> {
    if (this.closed) return;
    const old = this.bound;
    const ws = this.opts.workspaces.open;
    const id = ws ? `${ws.spec.kind}:${ws.spec.id}:${ws.spec.cacheKey}` : null;
    if (!settingsChanged && (old?.workspaceId ?? null) === id) return;
    if (old && (old.workspaceId !== id || settingsChanged)) {
      this.bound = null;
      await old.scheduler?.stop();
      await old.pool.close();
    }
    if (!ws || this.closed) return;
    const s = this.settings();
    let b = this.bound;
    if (b) return;
    {
      const url = typeof ws.spec.connection === 'string' ? ws.spec.connection : targetUrl(ws.spec.connection);
      const pool = openPool(url, { max: 2, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 0, idleTimeoutMillis: 5000 });
      // Reports and incidents are kept in a small local SQLite file of their own (the workspace's cache
      // lives in its worker thread); ops.roman_events has every run and timeline entry as well.
      const storeFile = join(this.opts.dataDir, 'runbooks', `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.sqlite`);
      const store = new RunbookStore(Cache.open(storeFile, { clock: this.opts.clock }));
      // Steps that change the database go through the operations gate (a test may inject its own port).
      const operations =
        this.opts.operations ??
        createGatePort({
          openPool: () => ws.openOperationsPool(),
          environment: () => ws.spec.environment,
          clock: this.opts.clock,
          dataDir: this.opts.dataDir,
          recorder: () =>
            cacheRecorder(ws.cache, pool.pool, async () => {
              const r = await ws.cache.sync.push(url);
              return { delivered: !r.failed };
            }),
          dumpTarget: async () => ws.connectionTarget(),
          pgDumpPath: () => process.env.ROMAN_PG_DUMP || null,
        });
      const runner = new RunbookRunner({
        pool: pool.pool,
        clock: this.opts.clock,
        url,
        store,
        operations,
        projectDir: s.projectDir,
        audit: schemaAuditSection(pool.pool, this.opts.clock, ws.status().target ?? 'database', s.projectDir),
        onProgress: (p) => {
          this.running = p.phase === 'finished' && p.index === p.total - 1 ? null : p;
          this.opts.emit('runbooks.progress', p);
        },
      });
      const host = typeof ws.spec.connection === 'string' ? safeHost(ws.spec.connection) : ws.spec.connection.host;
      const desk = new EmergencyDesk({ pool: pool.pool, clock: this.opts.clock, operations, store, cache: ws.cache, host });
      b = { workspaceId: id!, sample: ws.spec.kind === 'sample', pool, store, runner, desk, scheduler: null };
    }
    if (!b) return;
    if (s.autoRun && !b.sample) {
      b.scheduler = new RunbookScheduler({
        runner: b.runner,
        pool: b.pool.pool,
        clock: this.opts.clock,
        schedules: () => this.settings().schedules,
        onOutcome: (o) => {
          if (o.ran) this.opts.emit('runbooks.finished', { id: o.report.id, runbook: o.report.runbook, status: o.report.status, late: o.report.late });
        },
      });
      void b.scheduler.start();
    }
    this.bound = b;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.binding.catch(() => undefined);
    const b = this.bound;
    this.bound = null;
    if (b) {
      await b.scheduler?.stop();
      await b.pool.close();
    }
  }
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}
