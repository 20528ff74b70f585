/** The report of "Test connection" (settings form, `roman db test`): what works, what the checks will miss. */
import type { TlsMode, TlsUsed } from './connections';

export interface RomanObject {
  name: string;
  kind: 'schema' | 'table' | 'trigger';
  present: boolean;
  /** What it is for. */
  note: string | null;
}

export interface MissingCapability {
  /** e.g. "pg_stat_statements", "pg_read_all_stats", "SELECT on public.system_logs". */
  what: string;
  kind: 'extension' | 'privilege' | 'server';
  /** What the checks will miss without it. */
  effect: string;
  /** How to get it. */
  fix: string;
}

export interface ConnectionTestReport {
  /** Connected and every probe ran. */
  ok: boolean;
  /** postgres://user@host:port/db (never a password). */
  target: string;
  /** Why it failed (redacted), null when ok. */
  error: string | null;
  errorCode: string | null;
  serverVersion: string | null;
  /** The mode asked for, what the connection used, and the TLS protocol (e.g. TLSv1.3). */
  tls: { mode: TlsMode; used: TlsUsed; protocol: string | null };
  /** Median round trip of `select 1`, in ms. */
  latencyMs: number | null;
  /** Time to connect (TCP, TLS, login), in ms. */
  connectMs: number | null;
  /** installed: the ops tables exist (null = unknown: not connected). objects: what `roman db init` owns. */
  roman: { installed: boolean | null; objects: RomanObject[] };
  missing: MissingCapability[];
}
