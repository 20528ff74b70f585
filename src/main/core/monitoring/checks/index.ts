/** The catalogue of health checks, grouped by area (one module per check). */
import type { HealthCheck } from '../check';
import { errorsLastHour } from './system/errors-last-hour';
import { criticalEventsLastHour } from './system/critical-events-last-hour';
import { activeConnections } from './system/active-connections';
import { activeSubscriptions } from './system/active-subscriptions';
import { poolUsage } from './connections/pool-usage';
import { idleInTransaction } from './connections/idle-in-transaction';
import { slowQueries } from './queries/slow';
import { longRunningQueries } from './queries/long-running';
import { blockedQueries } from './queries/blocked';
import { databaseSize } from './space/database-size';
import { tableSizes } from './space/table-sizes';
import { databaseGrowth } from './space/database-growth';
import { unusedIndexes } from './indexes/unused';
import { invalidIndexes } from './indexes/invalid';
import { indexCacheHitRate } from './indexes/index-cache-hit-rate';
import { tableCacheHitRate } from './indexes/table-cache-hit-rate';
import { heavySeqScans } from './indexes/seq-scans';
import { replicationLag } from './replication/lag';
import { replicationSlots } from './replication/slots';
import { deadTuples } from './maintenance/dead-tuples';
import { vacuumAge } from './maintenance/vacuum-age';
import { analyzeAge } from './maintenance/analyze-age';
import { xidWraparound } from './maintenance/xid-wraparound';
import { errorRate } from './application/error-rate';
import { apiSuccessRate } from './application/api-success-rate';
import { p95Latency } from './application/p95-latency';
import { rlsViolations, rlsViolationsPerIp } from './application/rls-violations';
import { aiBudget } from './application/ai-budget';
import { duplicateIndexes } from './indexes/duplicate';
import { indexBloat } from './indexes/index-bloat';
import { tableBloat } from './space/table-bloat';
import { sequenceDanger } from './sequences/sequence-danger';
import { notValidConstraints } from './maintenance/not-valid-constraints';
import { autovacuumDisabled } from './maintenance/autovacuum-disabled';
import { freezeAge } from './maintenance/freeze-age';
import { connectionSources } from './connections/sources';

export const ALL_HEALTH_CHECKS: readonly HealthCheck[] = Object.freeze([
  errorsLastHour,
  criticalEventsLastHour,
  activeConnections,
  activeSubscriptions,
  poolUsage,
  idleInTransaction,
  slowQueries,
  longRunningQueries,
  blockedQueries,
  databaseSize,
  tableSizes,
  databaseGrowth,
  unusedIndexes,
  invalidIndexes,
  indexCacheHitRate,
  tableCacheHitRate,
  heavySeqScans,
  replicationLag,
  replicationSlots,
  deadTuples,
  vacuumAge,
  analyzeAge,
  xidWraparound,
  errorRate,
  apiSuccessRate,
  p95Latency,
  rlsViolations,
  rlsViolationsPerIp,
  aiBudget,
  duplicateIndexes,
  indexBloat,
  tableBloat,
  sequenceDanger,
  notValidConstraints,
  autovacuumDisabled,
  freezeAge,
  connectionSources,
]);
