/**
 * The monitoring scheduler: one job per alert rule on an interval that suits its cost (cheap
 * signal/fast rules every ~15 s, normal ones every ~60 s, heavy/slow ones every ~10 min), jittered so
 * several apps do not hit the database in lock-step, and never overlapping itself (the next run is
 * planned when the previous one ends). A dispatcher tick lets group_wait / group_interval /
 * repeat_interval and silence expiries take effect between evaluations.
 *
 * Fast path: a `SignalLink` LISTENs on `roman_signals`; a burst of critical errors runs the signal
 * rules at once (debounced by a few ms, coalesced while running), so System Down alerts within a
 * second. The link's session also holds the leader lock: only the leader sends once-only
 * notifications (Discord) and writes ops.roman_events. Connections: the service's pool (1) + the
 * LISTEN client (1).
 */
import type { AlertService } from '../alerts/service';
import type { RuleCadence } from '../alerts/rule';
import { SignalLink, type Signal, type SignalLinkOptions, type SignalLinkState } from './signals';

export const defaultCadenceMs: Record<RuleCadence, number> = {
  signal: 15_000,
  fast: 15_000,
  normal: 60_000,
  slow: 10 * 60_000,
};

export interface MonitorSchedulerOptions {
  service: AlertService;
  cadenceMs?: Partial<Record<RuleCadence, number>>;
  /** ± share of the interval (default 0.1). */
  jitter?: number;
  /** Dispatcher tick (default 5 s). */
  tickMs?: number;
  /** How long to gather a burst of signals before evaluating (default 50 ms). */
  signalDebounceMs?: number;
  /** The LISTEN client; omit to run on polling only (then this app is always the leader). */
  listen?: Pick<SignalLinkOptions, 'connect' | 'dispose' | 'lockKey' | 'initialBackoffMs' | 'maxBackoffMs' | 'leaderLock'>;
  /** Other periodic work on the same terms (jittered, never overlapping), e.g. health checks or entropy. */
  extraJobs?: { name: string; intervalMs: number; run: () => Promise<void> }[];
  onSignal?: (signal: Signal) => void;
  onListenState?: (state: SignalLinkState) => void;
  onLeaderChange?: (leader: boolean) => void;
  onError?: (err: Error) => void;
  random?: () => number;
}

interface Job {
  name: string;
  rules: string[];
  run?: () => Promise<void>;
  intervalMs: number;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  rerun: boolean;
  lastRunAt: number | null;
  lastDurationMs: number | null;
}

export class MonitorScheduler {
  private readonly jobs: Job[] = [];
  private readonly signalJob: Job | null;
  private readonly link: SignalLink | null;
  private tickTimer: NodeJS.Timeout | null = null;
  private signalTimer: NodeJS.Timeout | null = null;
  private started = false;
  private starting: Promise<void> | null = null;
  /** The first full cycle is done (catch-ups and signals before it would race with it). */
  private ready = false;
  private readonly random: () => number;

  constructor(private readonly opts: MonitorSchedulerOptions) {
    this.random = opts.random ?? Math.random;
    const cadence = { ...defaultCadenceMs, ...(opts.cadenceMs ?? {}) };
    for (const rule of opts.service.rules) {
      this.jobs.push({
        name: rule.name,
        rules: [rule.name],
        intervalMs: cadence[rule.cadence],
        timer: null,
        running: null,
        rerun: false,
        lastRunAt: null,
        lastDurationMs: null,
      });
    }
    for (const extra of opts.extraJobs ?? []) {
      if (!(extra.intervalMs > 0)) throw new RangeError(`job ${extra.name}: intervalMs must be positive`);
      this.jobs.push({
        name: extra.name,
        rules: [],
        run: extra.run,
        intervalMs: extra.intervalMs,
        timer: null,
        running: null,
        rerun: false,
        lastRunAt: null,
        lastDurationMs: null,
      });
    }
    const signalRules = opts.service.rules.filter((r) => r.cadence === 'signal').map((r) => r.name);
    this.signalJob =
      signalRules.length > 0
        ? { name: 'signals', rules: signalRules, intervalMs: 0, timer: null, running: null, rerun: false, lastRunAt: null, lastDurationMs: null }
        : null;
    this.link = opts.listen
      ? new SignalLink({
          ...opts.listen,
          onSignal: (s) => this.onSignal(s),
          onConnected: () => {
            // Catch up on whatever happened while the link was down.
            if (this.ready && this.signalJob) void this.runJob(this.signalJob);
          },
          onState: opts.onListenState,
          onLeaderChange: opts.onLeaderChange,
          onError: opts.onError,
        })
      : null;
  }

  /** Leader for once-only work: the holder of the advisory lock, or always when polling only. */
  isLeader(): boolean {
    return this.link ? this.link.isLeader() : true;
  }

  get listenState(): SignalLinkState | 'disabled' {
    return this.link ? this.link.state : 'disabled';
  }

  /** Runs one full cycle now, then keeps every job on its interval. */
  start(): Promise<void> {
    if (this.started) return this.starting ?? Promise.resolve();
    this.started = true;
    // A stop() while this is still starting wins: every step checks, and stop() waits for it, so a
    // LISTEN connection opened late is always released (a pool.end() would otherwise wait forever).
    this.starting = (async () => {
      try {
        await this.opts.service.restoreFromEvents();
      } catch (err) {
        this.opts.onError?.(err as Error);
      }
      if (!this.started) return;
      if (this.link) await this.link.start();
      if (!this.started) return;
      await this.runAll();
      if (!this.started) return;
      this.ready = true;
      for (const job of this.jobs) this.plan(job);
      this.scheduleTick();
    })().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.starting) await this.starting.catch(() => undefined);
    this.ready = false;
    for (const job of this.jobs) {
      if (job.timer) clearTimeout(job.timer);
      job.timer = null;
    }
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.signalTimer) clearTimeout(this.signalTimer);
    this.tickTimer = null;
    this.signalTimer = null;
    await Promise.allSettled([...this.jobs, ...(this.signalJob ? [this.signalJob] : [])].map((j) => j.running ?? Promise.resolve()));
    if (this.link) await this.link.stop();
    await this.opts.service.drain();
  }

  /** Evaluates every rule once (one cycle), sequentially on the one pool connection. */
  async runAll(): Promise<void> {
    try {
      await this.opts.service.evaluate();
    } catch (err) {
      this.opts.onError?.(withJob(err, 'alert rules'));
    }
  }

  /** Per-job timing, for the dashboard and the bench. */
  jobStats(): { name: string; intervalMs: number; lastRunAt: number | null; lastDurationMs: number | null }[] {
    return this.jobs.map((j) => ({ name: j.name, intervalMs: j.intervalMs, lastRunAt: j.lastRunAt, lastDurationMs: j.lastDurationMs }));
  }

  private onSignal(signal: Signal): void {
    this.opts.onSignal?.(signal);
    if (!this.started || !this.signalJob || this.signalTimer) return;
    this.signalTimer = setTimeout(() => {
      this.signalTimer = null;
      if (this.signalJob) void this.runJob(this.signalJob);
    }, this.opts.signalDebounceMs ?? 50);
  }

  private plan(job: Job): void {
    if (!this.started) return;
    const jitter = this.opts.jitter ?? 0.1;
    const delay = Math.max(1000, job.intervalMs * (1 + jitter * (2 * this.random() - 1)));
    job.timer = setTimeout(() => {
      job.timer = null;
      void this.runJob(job).finally(() => this.plan(job));
    }, delay);
  }

  /** Runs a job unless it is already running; a request while running makes it run once more after. */
  private runJob(job: Job): Promise<void> {
    if (job.running) {
      job.rerun = true;
      return job.running;
    }
    job.running = (async () => {
      do {
        job.rerun = false;
        const t0 = performance.now();
        try {
          if (job.run) await job.run();
          else await this.opts.service.evaluate(job.rules);
        } catch (err) {
          this.opts.onError?.(withJob(err, job.name));
        }
        job.lastRunAt = Date.now();
        job.lastDurationMs = performance.now() - t0;
      } while (job.rerun && this.started);
    })().finally(() => {
      job.running = null;
    });
    return job.running;
  }

  private scheduleTick(): void {
    if (!this.started) return;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      void (async () => {
        try {
          if (this.link && !this.link.isLeader()) await this.link.tryLead();
          this.opts.service.tick();
        } catch (err) {
          this.opts.onError?.(err as Error);
        } finally {
          this.scheduleTick();
        }
      })();
    }, this.opts.tickMs ?? 5_000);
  }
}

/** The job an error came from (set by the scheduler on what a job throws), for the workspace status. */
export function jobOf(err: unknown): string | undefined {
  const j = (err as { job?: unknown } | null)?.job;
  return typeof j === 'string' ? j : undefined;
}

function withJob(err: unknown, job: string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  if (jobOf(e) === undefined) Object.defineProperty(e, 'job', { value: job, enumerable: false, configurable: true });
  return e;
}

export { SignalLink, parseSignal, advisoryKey, ALERT_LEADER_LOCK, SIGNALS_CHANNEL } from './signals';
export type { Signal, SignalLinkState } from './signals';
