/**
 * A workspace: one watched database with everything the app runs against it — the local cache
 * (opened first, so offline review works even when the database never answers), a small pool for
 * monitoring and handlers, a LISTEN client for the alerting fast path, a sync loop that pulls new
 * rows into the cache and pushes the outbox, and the alert scheduler with its notifiers.
 *
 * Connections: monitoring pool 1 + LISTEN 1 (the alerting budget of 2), plus 1 for sync while a sync
 * runs (closed when idle). Every failure of the database shows up in `status()`, never as a crash.
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Emit } from '../context';
import { isConnectionError, openPool, type RomanPool } from '../db/connection';
import { jobOf } from '../scheduler';
import { ProblemLog } from './problem-log';
import { initDatabase } from '../db/migrations';
import { CacheClient, type RemoteCache } from '../store/cache-client';
import { cacheFileStem } from '../store/paths';
import { startCacheMaintenance, type CacheMaintenance } from '../store/maintenance';
import { forwardStoreChanges } from '../api/store';
import { createAlerting } from '../alerts';
import { entropyUpdate, measureSystemEntropy, recordHealthSnapshot } from '../monitoring';
import { autoStartPlaybooks } from '../triage/auto';
import { alertTransitionKey, type AlertService } from '../alerts/service';
import type { MonitorScheduler } from '../scheduler';
import type { DesktopNotifier } from '../notify/in-app';
import type { AlertTransition } from '../../../shared/alerts';
import type { Decision } from '../../../shared/constitution';
import { parseConnectionUrl, type ConnectionTarget } from '../../../shared/connections';
import type { SyncSummary } from '../../../shared/api/workspace';
import type { WorkspaceKind, WorkspaceStatus } from '../../../shared/workspace';
import type { MonitoringThresholds } from '../../../shared/monitoring';

export interface WorkspaceSpec {
  kind: WorkspaceKind;
  /** 'sample', a profile id, or 'url'. */
  id: string;
  name: string;
  environment: string;
  /** A postgres URL or a resolved target (may carry a password: never leaves the main process). */
  connection: string | ConnectionTarget;
  /** Identifies the cache file (a profile id, or the URL — hashed, without password). */
  cacheKey: string;
}

export interface WorkspaceDeps {
  dataDir: string;
  clock: Clock;
  emit: Emit;
  desktop?: DesktopNotifier;
  /** Discord webhook URL (a secret), when configured. */
  discordWebhook?: string;
  monthlyAiBudgetUsd?: number;
  /** Logs Stopped Arriving after this many minutes without a system_logs row (default 10). */
  logsStoppedMinutes?: number;
  /** Sync cadence (default 30 s). */
  syncIntervalMs?: number;
  /** Cache retention (preferences; defaults 90 days, 2048 MiB). */
  retentionDays?: number;
  retentionMaxMb?: number;
  /** Resolved thresholds (Settings); the alert rules read their limits from them. */
  thresholds?: MonitoringThresholds;
}

/** What `applyPreferences` changes in an open workspace without reopening it. */
export interface LivePreferences {
  monthlyAiBudgetUsd: number;
  thresholds: MonitoringThresholds;
  retentionDays: number;
  retentionMaxMb: number;
}

export function targetUrl(t: ConnectionTarget): string {
  const u = new URL('postgres://host/');
  u.hostname = t.host.includes(':') ? `[${t.host}]` : t.host;
  u.port = String(t.port);
  u.pathname = '/' + encodeURIComponent(t.database);
  u.username = encodeURIComponent(t.user);
  if (t.password) u.password = encodeURIComponent(t.password);
  // Always explicit: a URL without sslmode means libpq's default, prefer.
  u.searchParams.set('sslmode', t.tls.mode);
  if (t.tls.caPath) u.searchParams.set('sslrootcert', t.tls.caPath);
  return u.toString();
}

export class Workspace {
  /** The local cache, served by its worker thread (which also runs the sync). */
  readonly cache: RemoteCache;
  /** The watched database's URL (may carry a password: stays in this process, worker included). */
  private readonly url: string;
  readonly db: RomanPool;
  readonly alerts: AlertService;
  private readonly listenPool: RomanPool;
  private readonly scheduler: MonitorScheduler;
  private syncing: Promise<SyncSummary> | null = null;
  private readonly stopForwarding: () => void;
  private readonly maintenance: CacheMaintenance;
  private closed = false;
  private readonly autoHandled = new Set<string>();
  private cacheError: string | null = null;
  /** The sync running in the cache worker (to cancel it on close). */
  private syncRunId: string | null = null;
  private readonly problems: ProblemLog;
  /** Read by every retention run: applyPreferences changes it in place. */
  private readonly retention: { maxAgeDays: number; maxBytes: number };
  private state: Pick<WorkspaceStatus, 'offlineSince' | 'lastSyncedAt' | 'syncProgress' | 'initialized' | 'leader' | 'listen' | 'cacheIntegrity' | 'problem' | 'logFile'> = {
    problem: null,
    logFile: null,
    cacheIntegrity: null,
    offlineSince: null,
    lastSyncedAt: null,
    syncProgress: null,
    initialized: null,
    leader: false,
    listen: null,
  };

  constructor(
    readonly spec: WorkspaceSpec,
    private readonly deps: WorkspaceDeps,
  ) {
    this.retention = { maxAgeDays: deps.retentionDays ?? 90, maxBytes: (deps.retentionMaxMb ?? 2048) * 1024 * 1024 };
    this.problems = new ProblemLog(deps.dataDir);
    this.state.logFile = this.problems.path;
    this.cache = CacheClient.open(join(deps.dataDir, 'cache', `${cacheFileStem(spec.cacheKey)}.sqlite`), { clock: deps.clock });
    // A restarted (or failed) cache worker shows in the status; the client has already restarted it.
    this.cache.onWorkerStatus(() => this.changed());
    const url = typeof spec.connection === 'string' ? spec.connection : targetUrl(spec.connection);
    this.url = url;
    this.db = openPool(url, { max: 1, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 15_000, heartbeatMs: 15_000 });
    // Windows refresh their lists when records arrive (sync, decisions, alerts).
    this.stopForwarding = forwardStoreChanges(this.cache, deps.emit);
    // Retention (age and size from the preferences) and a daily integrity check of the cache.
    this.maintenance = startCacheMaintenance(this.cache, {
      retention: this.retention,
      onIntegrity: (report) => {
        this.state.cacheIntegrity = { ok: report.ok, checkedAt: report.checkedAt, problems: report.problems.slice(0, 5) };
        this.changed();
      },
    });
    this.db.on('state', () => {
      if (this.db.state === 'down' || this.db.state === 'reconnecting') this.markOffline();
      this.changed();
    });
    // The last sync time survives restarts: it is the newest cursor write in the cache.
    void this.cache.syncCursors().then(
      (cursors) => {
        if (cursors.length > 0 && !this.state.lastSyncedAt) this.state.lastSyncedAt = cursors.map((c) => c.updatedAt).sort().at(-1) ?? null;
        this.changed();
      },
      (err: unknown) => this.cacheFailed(err),
    );

    this.listenPool = openPool(url, { max: 1, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 0, idleTimeoutMillis: 0 });
    const alerting = createAlerting({
      db: this.db,
      listen: this.listenPool,
      clock: deps.clock,
      emit: (e) => deps.emit('alerts.changed', e),
      desktop: deps.desktop,
      discord: deps.discordWebhook ? { url: deps.discordWebhook } : undefined,
      config: {
        ...(deps.monthlyAiBudgetUsd ? { monthlyAiBudgetUsd: deps.monthlyAiBudgetUsd } : {}),
        ...(deps.logsStoppedMinutes ? { logsStoppedMinutes: deps.logsStoppedMinutes } : {}),
        ...(deps.thresholds ? { thresholds: deps.thresholds } : {}),
      },
      sinks: [{ record: (t) => this.recordAlertTransition(t) }],
      // Silences and acknowledgements survive restarts and reopening, per watched database.
      stateStore: this.cache.alertState,
      // Periodic work rides on the scheduler: sync (pull + outbox) and the entropy reading.
      extraJobs: [
        { name: 'sync', intervalMs: deps.syncIntervalMs ?? 30_000, run: async () => void (await this.syncNow()) },
        { name: 'entropy', intervalMs: 60_000, run: () => this.measureEntropy() },
      ],
      // A signal (a burst of errors, an RLS violation) also brings the new rows into the cache.
      onSignal: () => void this.syncNow(),
      onListenState: (s) => {
        this.state.listen = s;
        this.changed();
      },
      onLeaderChange: (leader) => {
        this.state.leader = leader;
        this.changed();
      },
      // Never swallowed: a lost connection is "offline"; anything else is a visible, logged problem.
      onError: (err) => this.reportProblem(jobOf(err) ?? 'alerts', err),
    });
    this.alerts = alerting.service;
    this.scheduler = alerting.scheduler;
  }

  /** Starts sync and alerting; returns at once (the database may be unreachable). */
  start(): void {
    void this.triageAfterSync(); // patterns of what is cached already, also offline
    void this.checkInitialized();
    void this.syncNow();
    void this.scheduler.start().catch(() => this.changed());
  }

  /** The connection URL (may carry a password: main process only), e.g. for a dedicated connection. */
  connectionUrl(): string {
    return typeof this.spec.connection === 'string' ? this.spec.connection : targetUrl(this.spec.connection);
  }

  /** The watched database's name (what a production confirmation asks the user to type). */
  databaseName(): string {
    return typeof this.spec.connection === 'string' ? parseConnectionUrl(this.spec.connection).database : this.spec.connection.database;
  }

  status(): WorkspaceStatus {
    return {
      open: !this.closed,
      opening: false,
      kind: this.spec.kind,
      id: this.spec.id,
      name: this.spec.name,
      environment: this.spec.environment,
      target: this.db.description,
      connection: this.db.state,
      tls: { mode: this.db.tlsMode, used: this.db.tlsUsed },
      lastError: this.db.lastError ? this.db.redact(this.db.lastError.message) : null,
      syncing: this.syncing !== null,
      openError: null,
      ...this.state,
      cacheWorker: { ...this.cache.workerStatus(), error: this.cache.workerStatus().error ?? this.cacheError },
    };
  }

  /** Pushes the outbox and pulls new rows; concurrent calls share one run. */
  syncNow(): Promise<SyncSummary> {
    if (this.closed) return Promise.resolve({ ok: false, inserted: 0, rowsRead: 0, pushed: 0, durationMs: 0, eventLoopMaxDelayMs: 0, error: 'workspace closed' });
    if (this.syncing) return this.syncing;
    this.syncing = this.runSync().finally(() => {
      this.syncing = null;
      this.state.syncProgress = null;
      this.changed();
    });
    this.changed();
    return this.syncing;
  }

  private async runSync(): Promise<SyncSummary> {
    // The sync runs in the cache worker; what this thread measures is its own event loop, which
    // must stay free for IPC, windows and notifications while rows are copied.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const runId = randomUUID();
    this.syncRunId = runId;
    const stopProgress = this.cache.onSyncProgress((p) => {
      if (p.runId !== runId) return;
      this.state.syncProgress = { table: p.table, rows: p.rowsDone };
      this.changed();
    });
    try {
      const r = await this.cache.sync.run(this.url, { runId });
      loop.disable();
      const failed = r.tables.find((t) => t.status === 'failed');
      const pushFailed = r.pushed?.failed ?? null;
      const error = failed ? `${failed.table}: ${failed.message ?? 'failed'}` : pushFailed ? `outbox item ${pushFailed.seq}: ${pushFailed.error}` : null;
      if (failed && failed.connectionLost) this.markOffline();
      else if (error) this.reportProblem('sync', new Error(error));
      else this.clearProblem('sync');
      if (!failed) {
        this.state.lastSyncedAt = this.deps.clock.now().toISOString();
        this.state.offlineSince = null;
      }
      if (r.tables.some((t) => t.table === 'ops.roman_events')) {
        this.state.initialized = r.tables.find((t) => t.table === 'ops.roman_events')!.status !== 'missing';
      }
      await this.triageAfterSync();
      return {
        ok: r.ok,
        inserted: r.inserted,
        rowsRead: r.rowsRead,
        pushed: r.pushed?.delivered ?? 0,
        durationMs: Math.round(r.durationMs),
        eventLoopMaxDelayMs: loop.count > 0 ? Math.round(loop.max / 1e4) / 100 : 0,
        error: error ? this.db.redact(error) : null,
      };
    } catch (err) {
      this.reportProblem('sync', err);
      return {
        ok: false,
        inserted: 0,
        rowsRead: 0,
        pushed: 0,
        durationMs: 0,
        eventLoopMaxDelayMs: 0,
        error: this.db.redact(err instanceof Error ? err.message : String(err)),
      };
    } finally {
      loop.disable();
      stopProgress();
      this.syncRunId = null;
    }
  }

  /**
   * Error triage after each sync: fingerprint the new rows into patterns, then (leader only) start
   * the playbook of a new critical pattern when all its actions are non-destructive.
   */
  private async triageAfterSync(): Promise<void> {
    try {
      const idx = await this.cache.triage.index();
      let autoStarted: string[] = [];
      if (this.state.leader && this.db.state !== 'down') {
        const auto = await autoStartPlaybooks({
          db: this.db.pool,
          triage: this.cache.triage,
          now: this.deps.clock.now(),
          leader: this.state.leader,
          startedBy: 'roman-desktop:auto',
          handled: this.autoHandled,
        }).catch(() => ({ started: [] as { runId: string }[] }));
        autoStarted = auto.started.map((s) => s.runId);
      }
      if (idx.indexed > 0 || autoStarted.length > 0) {
        this.deps.emit('triage.changed', { at: this.deps.clock.now().toISOString(), indexed: idx.indexed, newPatterns: idx.newPatterns, regressed: idx.regressed, autoStarted });
      }
    } catch {
      // triage is derived from the cache: a failure here never fails the sync, the next one retries
    }
  }

  /**
   * A pool for one execution (operations gate): its own session with the advisory lock and a second
   * connection for progress and cancellation; no statement timeout at connection level (the gate
   * sets its own). The caller closes it.
   */
  openOperationsPool(): RomanPool {
    return openPool(this.connectionUrl(), { max: 3, lazy: true, connectionTimeoutMillis: 10_000, statementTimeoutMs: 0, lockTimeoutMs: 0 });
  }

  /** The connection for pg_dump (with its password: never leaves the main process). */
  connectionTarget(): ConnectionTarget {
    return typeof this.spec.connection === 'string' ? parseConnectionUrl(this.spec.connection) : this.spec.connection;
  }

  /** Records a decision locally (audit chain + outbox) and delivers it to ops.roman_events. */
  recordDecision(decision: Decision): Promise<void> {
    // The worker appends (durably) and then delivers at once on its own push connection, even while
    // a long pull holds the sync one. The outbox drains one item at a time in order; what fails stays
    // queued for the next sync (and shows in the status). A decision that could not be recorded shows too.
    return this.cache.appendDecision(decision, { enqueue: true }).then(
      () =>
        void this.cache.sync.push(this.url).then(
          (r) => (r.failed ? this.reportProblem('ops.roman_events write', new Error(`outbox item ${r.failed.seq}: ${r.failed.error}`)) : this.clearProblem('ops.roman_events write')),
          (err: unknown) => this.reportProblem('ops.roman_events write', err),
        ),
      (err: unknown) => this.cacheFailed(err, `decision ${decision.decision_id} not recorded`),
    );
  }

  /**
   * Records an event of this app (e.g. the Discord bot's run attempts and refusals) locally (audit
   * chain + outbox) and delivers it to ops.roman_events; an outage leaves it queued, never lost.
   */
  recordEvent(event: { event_type: string; severity: string; message: string; metadata?: Record<string, unknown>; idempotency_key: string }, source: string): Promise<void> {
    return this.cache.recordLocalEvent(event, source).then(
      () =>
        void this.cache.sync.push(this.url).then(
          (r) => (r.failed ? this.reportProblem('ops.roman_events write', new Error(`outbox item ${r.failed.seq}: ${r.failed.error}`)) : this.clearProblem('ops.roman_events write')),
          (err: unknown) => this.reportProblem('ops.roman_events write', err),
        ),
      (err: unknown) => this.cacheFailed(err, `${event.event_type} event not recorded`),
    );
  }

  async initDatabase() {
    const report = await initDatabase(this.db.pool);
    this.state.initialized = true;
    this.changed();
    void this.syncNow();
    return report;
  }

  /**
   * New preferences, at once: the api_quota budget and the alert-rule limits (then the rules run
   * again, so what fires under the new limits fires now), and the cache retention (applied now).
   */
  applyPreferences(p: LivePreferences): void {
    if (this.closed) return;
    Object.assign(this.alerts.config, { monthlyAiBudgetUsd: p.monthlyAiBudgetUsd, thresholds: p.thresholds });
    const maxBytes = p.retentionMaxMb * 1024 * 1024;
    const retentionChanged = this.retention.maxAgeDays !== p.retentionDays || this.retention.maxBytes !== maxBytes;
    this.retention.maxAgeDays = p.retentionDays;
    this.retention.maxBytes = maxBytes;
    if (retentionChanged) void this.maintenance.runRetention();
    void this.alerts.evaluate().catch(() => this.changed());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.scheduler.stop().catch(() => undefined);
    // A long sync stops after its current batch (what committed stays; the next one resumes).
    if (this.syncRunId) await this.cache.sync.cancel(this.syncRunId).catch(() => false);
    await this.syncing?.catch(() => undefined);
    await Promise.all([this.db.close(), this.listenPool.close()]);
    this.maintenance.stop();
    this.stopForwarding();
    await this.cache.close();
  }

  /**
   * Measures the system entropy for every window; the leader also keeps a snapshot in
   * ops.system_health (the manual's triage step 1 reads the latest one).
   */
  private async measureEntropy(): Promise<void> {
    const reading = await measureSystemEntropy(this.db.pool, this.deps.clock);
    this.deps.emit('monitoring.updated', { at: reading.measuredAt, entropy: entropyUpdate(reading) });
    if (this.state.leader && this.state.initialized) await recordHealthSnapshot(this.db.pool, reading, []);
    this.clearProblem('entropy');
  }

  private recordAlertTransition(t: AlertTransition): void {
    if (this.closed || (t.to !== 'firing' && t.to !== 'resolved')) return;
    void this.cache
      .insertRecord({
        kind: 'alert',
        timestamp: t.at,
        severity: t.to === 'firing' ? t.severity : 'info',
        source: 'roman-desktop',
        type: t.rule,
        message: `${t.rule} ${t.to}: ${t.summary}`,
        // The key of its ops.roman_events row: the sync skips that copy, so the transition is cached once.
        metadata: { ...t, idempotency_key: alertTransitionKey(t) },
      })
      .catch((err: unknown) => this.cacheFailed(err, `alert ${t.rule} ${t.to} not recorded`));
  }

  private async checkInitialized(): Promise<void> {
    try {
      const r = await this.db.pool.query<{ ok: boolean }>(`SELECT to_regclass('ops.roman_events') IS NOT NULL AS ok`);
      this.state.initialized = r.rows[0]?.ok ?? null;
      this.changed();
    } catch {
      this.markOffline();
    }
  }

  private cacheFailed(err: unknown, what = 'local cache'): void {
    this.cacheError = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    this.changed();
  }

  /**
   * A background failure: a lost connection marks the workspace offline (and nothing else); any
   * other failure is kept in the status with its message and written to the rotated log file.
   */
  private reportProblem(source: string, err: unknown): void {
    if (this.closed) return;
    if (isConnectionError(err)) {
      this.markOffline();
      this.changed();
      return;
    }
    const message = this.db.redact(err instanceof Error ? err.message : String(err));
    const at = this.deps.clock.now();
    this.state.problem = { source, message, at: at.toISOString() };
    this.problems.write(at, source, message);
    this.changed();
  }

  private clearProblem(source: string): void {
    if (this.state.problem?.source === source) {
      this.state.problem = null;
      this.changed();
    }
  }

  private markOffline(): void {
    if (!this.state.offlineSince) this.state.offlineSince = this.deps.clock.now().toISOString();
  }

  private changed(): void {
    if (!this.closed) this.deps.emit('workspace.changed', this.status());
  }
}
