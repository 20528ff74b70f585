/**
 * The workspace: the database R.O.M.A.N. is watching right now (the sample workspace, a saved
 * connection profile, or a URL given on the command line) with its local cache, sync and alerting.
 */
import type { TlsMode, TlsUsed } from './connections';

export type WorkspaceKind = 'sample' | 'profile' | 'url';
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'down';

export interface WorkspaceStatus {
  /** False when nothing is open (e.g. the browser host started with --no-workspace). */
  open: boolean;
  /** True while the workspace is starting (the sample engine seeds its data on first use). */
  opening: boolean;
  kind: WorkspaceKind | null;
  id: string | null;
  name: string | null;
  environment: string | null;
  /** postgres://user@host:port/db — never a password. */
  target: string | null;
  connection: ConnectionState | null;
  /** The TLS mode asked for and what the newest connection used ('tls' | 'plain'; null before the first). */
  tls?: { mode: TlsMode; used: TlsUsed } | null;
  lastError: string | null;
  /** When the database stopped answering (null while online). */
  offlineSince: string | null;
  lastSyncedAt: string | null;
  syncing: boolean;
  /** Rows pulled by the sync in progress / the last one. */
  syncProgress: { table: string; rows: number } | null;
  /** Whether ops.roman_events exists (null until known): R.O.M.A.N.'s tables are installed. */
  initialized: boolean | null;
  /** This app does the once-only work (Discord, ops.roman_events) for this database. */
  leader: boolean;
  /** The LISTEN/NOTIFY fast path. */
  listen: 'connecting' | 'listening' | 'reconnecting' | 'stopped' | null;
  /** Why opening failed. */
  openError: string | null;
  /**
   * The latest background failure that is not a lost connection (a sync that failed on a table, an
   * entropy or snapshot write, an ops.roman_events write, a notifier): what failed, the message,
   * when; cleared when that job next succeeds. Also written to `logFile` (rotated).
   */
  problem?: { source: string; message: string; at: string } | null;
  /** Where background failures are logged (in the data folder). */
  logFile?: string | null;
  /** The last scheduled integrity check of the local cache (null before the first). */
  cacheIntegrity: { ok: boolean; checkedAt: string; problems: string[] } | null;
  /**
   * The cache worker (the thread that owns the local cache and runs the sync). `restarts` counts
   * unexpected stops it recovered from; `lastCrash` says when and why. Optional: absent when closed.
   */
  cacheWorker?: {
    state: 'starting' | 'ready' | 'restarting' | 'failed' | 'closed';
    restarts: number;
    lastCrash: { at: string; reason: string } | null;
    /** Why the cache could not be opened, or why a write (e.g. a decision) was not recorded. */
    error: string | null;
  };
}

export const CLOSED_WORKSPACE: WorkspaceStatus = {
  open: false,
  opening: false,
  kind: null,
  id: null,
  name: null,
  environment: null,
  target: null,
  connection: null,
  lastError: null,
  offlineSince: null,
  lastSyncedAt: null,
  syncing: false,
  syncProgress: null,
  initialized: null,
  leader: false,
  listen: null,
  openError: null,
  cacheIntegrity: null,
};
