/**
 * The runbook timer in the core: checks at start, at every window and at least every minute
 * (a laptop that slept fires no timers; the first check after it wakes catches up), and whenever
 * the shell reports a wake (powerMonitor 'resume'). Checks never overlap; each one runs every
 * missed runbook once (see catchUp).
 */
import type pg from 'pg';
import type { Clock } from '../clock';
import { RUNBOOKS, type RunbookSchedules, type RunOutcome } from '../../../shared/runbooks';
import { nextWindow } from './schedule';
import { catchUp } from './status';
import type { RunbookRunner } from './runner';

export interface RunbookSchedulerOptions {
  runner: RunbookRunner;
  pool: pg.Pool;
  clock: Clock;
  schedules: () => RunbookSchedules;
  requestedBy?: string;
  /** Longest wait between checks (default 60 s). */
  maxIntervalMs?: number;
  onOutcome?: (o: RunOutcome) => void;
  onError?: (err: Error) => void;
}

export class RunbookScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RunOutcome[]> | null = null;
  private started = false;

  constructor(private readonly opts: RunbookSchedulerOptions) {}

  start(): Promise<RunOutcome[]> {
    this.started = true;
    return this.check();
  }

  stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return (this.running ?? Promise.resolve([])).then(() => undefined);
  }

  /** The laptop woke up (or the app came back to the foreground): catch up now. */
  wake(): Promise<RunOutcome[]> {
    return this.check();
  }

  /** One check: runs what is due or missed. Concurrent calls share the check in progress. */
  check(): Promise<RunOutcome[]> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        const outcomes = await catchUp({
          runner: this.opts.runner,
          pool: this.opts.pool,
          schedules: this.opts.schedules(),
          clock: this.opts.clock,
          requestedBy: this.opts.requestedBy ?? 'scheduler',
          channel: 'scheduler',
        });
        for (const o of outcomes) this.opts.onOutcome?.(o);
        return outcomes;
      } catch (err) {
        this.opts.onError?.(err as Error);
        return [];
      }
    })().finally(() => {
      this.running = null;
      this.plan();
    });
    return this.running;
  }

  private plan(): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.opts.clock.now();
    let wait = this.opts.maxIntervalMs ?? 60_000;
    try {
      const s = this.opts.schedules();
      for (const rb of RUNBOOKS) if (s[rb].enabled) wait = Math.min(wait, nextWindow(s, rb, now).getTime() - now.getTime() + 1000);
    } catch (err) {
      this.opts.onError?.(err as Error);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check();
    }, Math.max(1000, wait));
    this.timer.unref?.();
  }
}
