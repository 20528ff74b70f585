/**
 * Health monitoring (SPEC capability 3): the health checks grouped by area (checks/), their runner
 * (runner.ts), application signals from system_logs/ai_usage_logs (signals.ts), system entropy and
 * health snapshots (entropy.ts), the dashboard panels (overview.ts) and the /status message
 * (status.ts). Definitions: docs/monitoring.md.
 */
export { runHealthChecks, describeFailure, DEFAULT_CHECK_TIMEOUT_MS, type RunHealthChecksOptions } from './runner';
export { ALL_HEALTH_CHECKS } from './checks';
export { measureSystemEntropy, recordHealthSnapshot, entropyUpdate, ENTROPY_WINDOW_MINUTES } from './entropy';
export { readWindowSignals, readMonthSpend, LATENCY_SPIKE_MS } from './signals';
export { buildSystemStatus, formatSystemStatus, unreachableStatus } from './status';
export { buildMonitoringOverview } from './overview';
export { memoryFor } from './features';
export type { HealthCheck, CheckContext, CheckOutcome } from './check';
