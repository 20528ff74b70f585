/**
 * Schema audit vocabulary shared by the core, the CLI, the Discord bot and the renderer: splinter's
 * finding record (`name, title, level, facing, categories, description, detail, remediation,
 * metadata, cache_key`), the inventory, the saved report and its comparison with the previous one.
 */
import { z } from 'zod';

export const AUDIT_LEVELS = ['ERROR', 'WARN', 'INFO'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
export const auditLevelSchema = z.enum(AUDIT_LEVELS);
/** Rank for --fail-on: ERROR ≥ WARN ≥ INFO. */
export const LEVEL_RANK: Record<AuditLevel, number> = { ERROR: 3, WARN: 2, INFO: 1 };

/** The one record every lint returns (splinter's ten columns). */
export interface AuditFinding {
  name: string;
  title: string;
  level: AuditLevel;
  facing: 'EXTERNAL' | 'INTERNAL';
  categories: string[];
  description: string;
  detail: string;
  /** The SQL (or, for project findings, the command) that fixes it. */
  remediation: string;
  metadata: Record<string, unknown>;
  /** Stable identity of the finding: dismissals and report comparisons key on it. */
  cache_key: string;
  /** Set when an admin dismissed this cache_key. */
  dismissed?: AuditDismissal;
}

export interface AuditDismissal {
  cache_key: string;
  note: string;
  by: string;
  at: string;
}

export interface DatabaseInventory {
  tables: number;
  views: number;
  materializedViews: number;
  indexes: number;
  rlsPolicies: number;
  /** Tables with row level security enabled. */
  rlsEnabledTables: number;
  /** Per schema: tables, views, indexes. */
  schemas: { schema: string; tables: number; views: number; indexes: number }[];
  /** Supabase's auth and storage schemas and the anon/authenticated roles exist. */
  supabase: boolean;
}

export interface EdgeFunctionStatus {
  name: string;
  path: string;
  /** 'ok' | 'outdated' | 'unavailable' */
  status: 'ok' | 'outdated' | 'unavailable';
  outdated?: { name: string; current: string | null; wanted: string | null; latest: string | null }[];
  reason?: string;
}

export interface ProjectInventory {
  root: string;
  components: number;
  services: number;
  migrations: number;
  /** Names listed in .env.example (never values). */
  envExample: string[];
  /** Names listed in .env.example that are set neither in .env nor in the environment. */
  missingEnv: string[];
  edgeFunctions: EdgeFunctionStatus[];
  /** Why a part could not be read ('no .env.example', …). */
  notes: string[];
}

export interface AuditInventory {
  database: DatabaseInventory;
  project?: ProjectInventory;
  /** Error and critical rows of public.system_logs in the last 24 h (null: table missing). */
  recentErrors24h: number | null;
  /** Sum of ai_usage_logs.cost_usd over the last 30 days (null: table missing). */
  aiCosts30dUsd: number | null;
}

export interface AuditComparison {
  /** Id and time of the report compared with; null when this is the first report. */
  previous: { id: string; createdAt: string } | null;
  new: string[];
  resolved: { cache_key: string; name: string; title: string; detail: string }[];
  stillOpen: string[];
}

export interface AuditReport {
  id: string;
  createdAt: string;
  /** Connection description without password. */
  database: string;
  findings: AuditFinding[];
  inventory: AuditInventory;
  comparison: AuditComparison;
  /** Lints that could not run and why (privilege, timeout…). */
  unavailable: { name: string; reason: string }[];
}

/** Counts of open (not dismissed) findings per level. */
export function openCounts(findings: readonly AuditFinding[]): Record<AuditLevel, number> {
  const out: Record<AuditLevel, number> = { ERROR: 0, WARN: 0, INFO: 0 };
  for (const f of findings) if (!f.dismissed) out[f.level]++;
  return out;
}

export const dismissInputSchema = z.object({
  cache_key: z.string().trim().min(1, 'cache_key is required').max(500, 'cache_key is too long'),
  note: z.string().trim().min(1, 'a note saying why is required').max(2000, 'note is too long'),
});
export type DismissInput = z.infer<typeof dismissInputSchema>;
