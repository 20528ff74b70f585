/**
 * The store domain: the local SQLite cache (records + FTS5 search, sync cursors), its outbox and the
 * hash-chained audit trail, plus where cache files live. Import from here.
 */
export { Cache, CacheInputError, CacheNotFoundError, CacheSchemaError } from './cache';
export type {
  CacheOpenOptions,
  InsertResult,
  IntegrityReport,
  NewRecord,
  RetentionOptions,
  RetentionReport,
  SearchOptions,
} from './cache';
export { Outbox, type DrainReport, type NewOutboxItem, type OutboxItem } from './outbox';
export { AuditChain, GENESIS_HASH, canonicalJson, chainHash, type AppendedEntry, type AuditEntryInput } from './audit-chain';
export { CACHE_SCHEMA_VERSION } from './schema';
export { defaultCachePath, dataDir, connectionIdentity } from './paths';
export { parseTimeBound, buildTextQuery, toEpochMs } from './query';
export { startCacheMaintenance, type CacheMaintenance, type CacheMaintenanceOptions } from './maintenance';
