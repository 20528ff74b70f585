/**
 * Handlers of the monitoring domain: 'monitoring.checks' (every health check, one record shape),
 * 'monitoring.entropy' (EntropyReading) and 'monitoring.overview' (the six dashboard panels).
 * Each result is also announced with the 'monitoring.updated' push event.
 */
import type pg from 'pg';
import type { HandlerRegistry } from './registry';
import type { Clock } from '../clock';
import { DomainError } from '../../../shared/result';
import { DEFAULT_THRESHOLDS, HEALTH_STATUSES, type HealthStatus, type MonitoringThresholds } from '../../../shared/monitoring';
import { validateCustomRange } from '../../../shared/time-range';
import { buildMonitoringOverview, entropyUpdate, measureSystemEntropy, runHealthChecks } from '../monitoring';

export interface MonitoringDeps {
  /** The monitored database (the active connection profile). */
  pool: () => Promise<pg.Pool>;
  clock: Clock;
  /** Resolved thresholds for that connection (resolveThresholds); defaults when absent. */
  thresholds?: () => MonitoringThresholds | Promise<MonitoringThresholds>;
}

async function poolOf(deps: MonitoringDeps): Promise<pg.Pool> {
  try {
    return await deps.pool();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('unavailable', `Database unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function registerMonitoringHandlers(registry: HandlerRegistry, deps: MonitoringDeps): void {
  const thresholds = async () => (deps.thresholds ? await deps.thresholds() : DEFAULT_THRESHOLDS);

  registry.method('monitoring.checks', async (input, ctx) => {
    const pool = await poolOf(deps);
    const checks = await runHealthChecks(pool, { clock: deps.clock, thresholds: await thresholds(), areas: input.areas });
    const summary = Object.fromEntries(HEALTH_STATUSES.map((s) => [s, 0])) as Record<HealthStatus, number>;
    for (const c of checks) summary[c.status] += 1;
    const checkedAt = deps.clock.now().toISOString();
    ctx.emit('monitoring.updated', { at: checkedAt, summary });
    return { checkedAt, summary, checks };
  });

  registry.method('monitoring.entropy', async (_input, ctx) => {
    const pool = await poolOf(deps);
    let reading;
    try {
      reading = await measureSystemEntropy(pool, deps.clock);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw new DomainError('unavailable', `Cannot measure system entropy: ${err instanceof Error ? err.message : String(err)}`);
    }
    ctx.emit('monitoring.updated', { at: reading.measuredAt, entropy: entropyUpdate(reading) });
    return reading;
  });

  registry.method('monitoring.overview', async (input, ctx) => {
    if (input.range && 'to' in input.range) {
      const check = validateCustomRange(Date.parse(input.range.from), Date.parse(input.range.to), deps.clock.now().getTime());
      if (!check.ok) throw new DomainError('invalid_input', `Invalid range: ${check.message}`);
    }
    const pool = await poolOf(deps);
    const overview = await buildMonitoringOverview(pool, deps.clock, await thresholds(), undefined, input.range);
    // One reading per moment: the header shows the reading the dashboard gauge shows.
    if (overview.health.status === 'ok' && overview.health.data.entropy) {
      const reading = overview.health.data.entropy;
      ctx.emit('monitoring.updated', { at: reading.measuredAt, origin: 'overview', entropy: entropyUpdate(reading) });
    }
    return overview;
  });
}
