/** API contract of the workspace: which database is watched, its connection and sync state. */
import { z } from 'zod';
import type { WorkspaceStatus } from '../workspace';
import type { RomanObject } from '../connection-test';

export const workspaceInputs = {
  'workspace.status': z.object({}).strict(),
  /** Open a saved profile, or the sample workspace with profileId null. */
  'workspace.open': z.object({ profileId: z.string().min(1).max(100).nullable() }).strict(),
  'workspace.syncNow': z.object({}).strict(),
  /** Install R.O.M.A.N.'s tables in the watched database (`roman db init`). */
  'workspace.initDatabase': z.object({}).strict(),
  /** What `workspace.initDatabase` would create in the watched database (asked before installing). */
  'workspace.installPlan': z.object({}).strict(),
} satisfies Record<string, z.ZodType>;

export interface SyncSummary {
  ok: boolean;
  inserted: number;
  rowsRead: number;
  pushed: number;
  durationMs: number;
  eventLoopMaxDelayMs: number;
  error: string | null;
}

export interface InitSummary {
  created: string[];
  existing: string[];
  warnings: string[];
}

export interface WorkspaceOutputs {
  'workspace.status': WorkspaceStatus;
  'workspace.open': WorkspaceStatus;
  'workspace.syncNow': SyncSummary;
  'workspace.initDatabase': InitSummary;
  'workspace.installPlan': { target: string; objects: RomanObject[] };
}

export interface WorkspaceEvents {
  'workspace.changed': WorkspaceStatus;
  /** The shell asks the UI to show a page (a desktop notification was clicked). */
  'ui.navigate': { page: string; fingerprint?: string };
}
