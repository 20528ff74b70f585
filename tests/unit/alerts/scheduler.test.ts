/**
 * The scheduler's timing rules with rules that take time: a job never overlaps itself, each rule
 * runs on its own cadence, and stop() waits for running work.
 */
import { describe, expect, it } from 'vitest';
import type { AlertRule, Queryable } from '../../../src/main/core/alerts/rule';
import { AlertService } from '../../../src/main/core/alerts/service';
import { systemClock } from '../../../src/main/core/clock';
import { NotifierRegistry } from '../../../src/main/core/notify/notifier';
import { MonitorScheduler } from '../../../src/main/core/scheduler';

const noDb: Queryable = {
  query: () => Promise.reject(new Error('these rules do not use the database')),
} as Queryable;

function timedRule(name: string, cadence: AlertRule['cadence'], durationMs: number, log: { name: string; start: number; end: number }[]): AlertRule {
  return {
    name,
    title: name,
    severity: 'warning',
    trigger: 't',
    action: 'a',
    forMs: 0,
    keepFiringForMs: 0,
    cadence,
    historyJudged: false,
    async evaluate() {
      const start = performance.now();
      await new Promise((r) => setTimeout(r, durationMs));
      log.push({ name, start, end: performance.now() });
      return [{ labels: {}, active: false, value: 0, summary: 'ok' }];
    },
  };
}

describe('MonitorScheduler', () => {
  it('never overlaps a job with itself and runs cheap rules more often than heavy ones', async () => {
    const log: { name: string; start: number; end: number }[] = [];
    const service = new AlertService({
      db: noDb,
      clock: systemClock,
      notifiers: new NotifierRegistry(systemClock),
      recordEvents: false,
      rules: [timedRule('slow_query', 'fast', 1500, log), timedRule('cheap', 'fast', 5, log), timedRule('heavy', 'slow', 5, log)],
    });
    const scheduler = new MonitorScheduler({ service, cadenceMs: { fast: 1000, slow: 60_000 }, jitter: 0.1 });
    await scheduler.start();
    await new Promise((r) => setTimeout(r, 3500));
    await scheduler.stop();
    const runs = (n: string) => log.filter((l) => l.name === n);
    const slow = runs('slow_query');
    for (let i = 1; i < slow.length; i++) expect(slow[i]!.start).toBeGreaterThanOrEqual(slow[i - 1]!.end);
    expect(runs('cheap').length).toBeGreaterThan(runs('heavy').length);
    expect(runs('heavy')).toHaveLength(1);
    // stop() waited for the job that was running.
    const count = log.length;
    await new Promise((r) => setTimeout(r, 1600));
    expect(log.length).toBe(count);
  });

  it('runs extra periodic jobs on the same terms and reports their timing', async () => {
    let runs = 0;
    const service = new AlertService({ db: noDb, clock: systemClock, notifiers: new NotifierRegistry(systemClock), rules: [] });
    const scheduler = new MonitorScheduler({
      service,
      extraJobs: [{ name: 'entropy', intervalMs: 1000, run: async () => void runs++ }],
      jitter: 0,
    });
    await scheduler.start();
    // Behaviour, not wall-clock: the job keeps running on its interval (however busy the machine
    // is, so no exact count for a sleep), and never after stop().
    const deadline = Date.now() + 30_000;
    while (runs < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBeGreaterThanOrEqual(2);
    await scheduler.stop();
    const stoppedAt = runs;
    await new Promise((r) => setTimeout(r, 1500));
    expect(runs).toBe(stoppedAt);
    expect(scheduler.jobStats()).toEqual([expect.objectContaining({ name: 'entropy', intervalMs: 1000 })]);
    expect(() => new MonitorScheduler({ service, extraJobs: [{ name: 'x', intervalMs: 0, run: async () => {} }] })).toThrow(/positive/);
  });
});
