/** Shared setup for the operations tests: a fresh database with the app's schema, approvals and grants. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { requestAction } from '../../../src/main/core/actions';
import { systemClock } from '../../../src/main/core/clock';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { directRecorder, executeGrant, prepareExecution, type GateOptions } from '../../../src/main/core/operations';
import { parseConnectionUrl } from '../../../src/shared/connections';
import type { OperationParams } from '../../../src/shared/operations';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

export interface OpsDb {
  db: TestDatabase;
  pool: pg.Pool;
  backupDir: string;
  close(): Promise<void>;
}

export async function opsDatabase(prefix: string): Promise<OpsDb> {
  const db = await createTestDatabase(prefix);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await initDatabase(pool);
  return {
    db,
    pool,
    backupDir: mkdtempSync(join(tmpdir(), 'roman-backups-')),
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

/** Approves `text` (entropy 0: a calm system) and prepares plan + grant on the database. */
export async function approve(
  o: OpsDb,
  text: string,
  opts: { environment?: string; params?: OperationParams; kind?: string; ttlSeconds?: number; requestedBy?: string } = {},
) {
  const outcome = requestAction(
    { ...(opts.kind ? { kind: opts.kind } : { text }), systemEntropy: 0, environment: opts.environment ?? 'staging' },
    { requested_by: opts.requestedBy ?? 'alice', channel: 'cli', entropy_source: 'manual' },
    systemClock,
  );
  const prepared = await prepareExecution(o.pool, {
    decision: outcome.decision,
    action: outcome.action,
    text,
    params: opts.params ?? null,
    environment: opts.environment ?? 'staging',
    requestedBy: opts.requestedBy ?? 'alice',
    channel: 'cli',
    ttlSeconds: opts.ttlSeconds,
    backupDir: o.backupDir,
  });
  return { outcome, prepared };
}

export async function approvedGrant(o: OpsDb, text: string, opts: Parameters<typeof approve>[2] = {}) {
  const { prepared } = await approve(o, text, opts);
  if (!prepared.executable) throw new Error(`not executable: ${prepared.reason}`);
  return prepared;
}

export function run(o: OpsDb, grantId: string, extra: Partial<GateOptions> = {}) {
  return executeGrant({
    pool: o.pool,
    grantId,
    requestedBy: 'alice',
    channel: 'cli',
    backupDir: o.backupDir,
    dumpTarget: async () => parseConnectionUrl(o.db.url),
    recorder: directRecorder(o.pool),
    ...extra,
  });
}

export async function events(o: OpsDb, type: string) {
  const r = await o.pool.query<{ message: string; metadata: Record<string, unknown> }>(
    'select message, metadata from ops.roman_events where event_type = $1 order by id',
    [type],
  );
  return r.rows;
}
