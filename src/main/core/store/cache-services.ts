/**
 * What the cache worker serves: the ONE place the worker protocol is defined. The client's type is
 * `Remote<CacheServices>` (rpc.ts) — each method of these classes, promisified — and each message's
 * type is `RpcCall<CacheServices>`. Add a method to one of these classes and it can be called from
 * the main thread; there is no second list to keep in step.
 */
import type { Cache } from './cache';
import type { TriageStore } from './triage';
import type { Outbox } from './outbox';
import type { AuditChain } from './audit-chain';
import type { CacheAlertStateStore } from './alert-state';
import type { WorkerSync } from '../sync/worker-sync';
import type { ExportService } from './export-stream';
import type { WorkerDiagnostics } from './cache-worker';

export interface CacheServices {
  cache: Cache;
  triage: TriageStore;
  outbox: Outbox;
  audit: AuditChain;
  alertState: CacheAlertStateStore;
  sync: WorkerSync;
  export: ExportService;
  diagnostics: WorkerDiagnostics;
}
