/**
 * What the sample workspace and its engine process say to each other (IPC messages and the
 * engine's configuration). Kept apart from engine-process.ts, which starts running when loaded.
 */

/** dataDir value for a throw-away engine that keeps nothing on disk. */
export const MEMORY_DATA_DIR = 'memory://';

/** What the parent passes as the engine's first argument (JSON). */
export interface EngineConfig {
  /** Folder of the persisted workspace, or MEMORY_DATA_DIR. */
  dataDir: string;
  /** "Now" for the generated data (epoch ms), from the parent's clock. */
  nowMs: number;
  /** Install the schema and sample data (false: a bare, empty engine). */
  seed: boolean;
  maxConnections: number;
}

/** Messages the engine sends to its parent. */
export type EngineMessage =
  | { type: 'progress'; message: string }
  | { type: 'ready'; url: string; seeded: boolean; port: number }
  | { type: 'failed'; message: string };

/** Messages the parent sends to the engine. */
export type ParentMessage = { type: 'stop' };
