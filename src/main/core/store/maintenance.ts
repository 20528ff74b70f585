/**
 * Scheduled upkeep of a cache: retention (by age and size) + incremental vacuum on one interval,
 * integrity check (SQLite + FTS index) on a slower one. Timers are unref'd so they never keep a
 * process alive; a failed run is reported, never thrown into the event loop.
 */
import type { IntegrityReport, RetentionOptions, RetentionReport } from './cache';

/** What upkeep needs of a cache: the Cache itself, or its worker client (cache-client.ts). */
export interface MaintainedCache {
  readonly isOpen: boolean;
  applyRetention(opts: RetentionOptions): Promise<RetentionReport>;
  integrityCheck(): IntegrityReport | Promise<IntegrityReport>;
}

export interface CacheMaintenanceOptions {
  retention: RetentionOptions;
  /** How often retention runs (default 1 hour). */
  retentionEveryMs?: number;
  /** How often the integrity check runs (default 24 hours). */
  integrityEveryMs?: number;
  onRetention?: (report: RetentionReport) => void;
  onIntegrity?: (report: IntegrityReport) => void;
  onError?: (job: 'retention' | 'integrity', err: unknown) => void;
}

export interface CacheMaintenance {
  /** Runs both jobs now (also what the timers call). */
  runRetention(): Promise<RetentionReport | null>;
  runIntegrityCheck(): Promise<IntegrityReport | null>;
  stop(): void;
}

export function startCacheMaintenance(cache: MaintainedCache, opts: CacheMaintenanceOptions): CacheMaintenance {
  let running = false;
  let stopped = false;
  const runRetention = async (): Promise<RetentionReport | null> => {
    if (running || stopped || !cache.isOpen) return null;
    running = true;
    try {
      const report = await cache.applyRetention(opts.retention);
      opts.onRetention?.(report);
      return report;
    } catch (err) {
      opts.onError?.('retention', err);
      return null;
    } finally {
      running = false;
    }
  };
  const runIntegrityCheck = async (): Promise<IntegrityReport | null> => {
    if (stopped || !cache.isOpen) return null;
    try {
      const report = await cache.integrityCheck();
      opts.onIntegrity?.(report);
      return report;
    } catch (err) {
      opts.onError?.('integrity', err);
      return null;
    }
  };
  const retentionTimer = setInterval(() => void runRetention(), opts.retentionEveryMs ?? 3_600_000);
  const integrityTimer = setInterval(() => void runIntegrityCheck(), opts.integrityEveryMs ?? 86_400_000);
  retentionTimer.unref();
  integrityTimer.unref();
  return {
    runRetention,
    runIntegrityCheck,
    stop() {
      stopped = true;
      clearInterval(retentionTimer);
      clearInterval(integrityTimer);
    },
  };
}
