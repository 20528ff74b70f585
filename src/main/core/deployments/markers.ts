/**
 * Deployment markers: `event_type='deployment'` rows in ops.roman_events (version, environment, who,
 * when, correlation id). The triage questions ("started after a deployment?"), the dashboard's chart
 * markers and the watch read them.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Queryable } from '../alerts/rule';
import type { DeploymentMarker } from '../../../shared/deployments';
import { recordEvent } from '../db/events';

export class DeploymentInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentInputError';
  }
}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+\-/]{0,99}$/;
const ENVIRONMENT = /^[a-z][a-z0-9_-]{0,39}$/;
const CORRELATION = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function checkVersion(v: string): string {
  const s = v.trim();
  if (!VERSION.test(s)) throw new DeploymentInputError(`a version is letters, digits and . _ + - / (at most 100), e.g. 2.18.3 or v2.18.3 — got "${s.slice(0, 40)}"`);
  return s;
}

export function checkEnvironment(e: string): string {
  const s = e.trim().toLowerCase();
  if (!ENVIRONMENT.test(s)) throw new DeploymentInputError(`an environment is a lower-case name such as production or staging — got "${e.slice(0, 40)}"`);
  return s;
}

export interface RecordDeploymentInput {
  version: string;
  environment: string;
  correlationId?: string | null;
  deployedBy: string;
  at: Date;
}

/** Writes the marker once (a retry with the same correlation id, or version + time, is a no-op). */
export async function recordDeployment(db: pg.Pool | pg.ClientBase, input: RecordDeploymentInput): Promise<{ marker: DeploymentMarker; inserted: boolean }> {
  const version = checkVersion(input.version);
  const environment = checkEnvironment(input.environment);
  const correlationId = input.correlationId?.trim() || null;
  if (correlationId !== null && !CORRELATION.test(correlationId)) throw new DeploymentInputError(`a correlation id is letters, digits and . _ : - (at most 128) — got "${correlationId.slice(0, 40)}"`);
  const at = input.at.toISOString();
  const key = `deployment:${environment}:${version}:${correlationId ?? at}`;
  const r = await recordEvent(db, {
    event_type: 'deployment',
    severity: 'info',
    message: `Deployed ${version} to ${environment}`,
    idempotency_key: key.slice(0, 200),
    metadata: { version, environment, correlation_id: correlationId ?? `deploy_${randomUUID()}`, deployed_by: input.deployedBy, deployed_at: at },
  });
  const marker = (await findDeployment(db, { version, environment, id: r.id ?? undefined }))!;
  return { marker, inserted: r.inserted };
}

interface Row {
  id: string;
  timestamp: Date;
  metadata: Record<string, unknown> | null;
  message: string;
}

function markerOf(r: Row): DeploymentMarker {
  const m = r.metadata ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  const at = str(m.deployed_at);
  const parsed = at ? new Date(at) : null;
  return {
    id: String(r.id),
    version: str(m.version) ?? 'unknown',
    environment: str(m.environment) ?? 'unknown',
    correlationId: str(m.correlation_id),
    deployedBy: str(m.deployed_by) ?? 'unknown',
    at: (parsed && !Number.isNaN(parsed.getTime()) ? parsed : r.timestamp).toISOString(),
  };
}

/** The latest marker of a version (in an environment, when given). */
export async function findDeployment(db: pg.Pool | pg.ClientBase, q: { version: string; environment?: string; id?: string }): Promise<DeploymentMarker | null> {
  const r = await db.query<Row>(
    `SELECT id, "timestamp", metadata, message FROM ops.roman_events
      WHERE event_type = 'deployment' AND metadata->>'version' = $1
        AND ($2::text IS NULL OR metadata->>'environment' = $2) AND ($3::text IS NULL OR id::text = $3)
      ORDER BY "timestamp" DESC LIMIT 1`,
    [q.version, q.environment ?? null, q.id ?? null],
  );
  return r.rows[0] ? markerOf(r.rows[0]) : null;
}

/** Markers of a time range (by deployment time), oldest first (chart markers, the Operations page). */
export async function listDeployments(db: Queryable, q: { since: Date; until: Date; limit?: number }): Promise<DeploymentMarker[]> {
  // the deployment time is metadata (a pipeline may record it late): the newest markers are read and
  // kept by that time in code, so that a malformed deployed_at never breaks the query
  const r = await db.query<Row>(
    `SELECT id, "timestamp", metadata, message FROM ops.roman_events
      WHERE event_type = 'deployment' ORDER BY "timestamp" DESC LIMIT 10000`,
  );
  const from = q.since.getTime();
  const to = q.until.getTime();
  return r.rows
    .map(markerOf)
    .filter((m) => Date.parse(m.at) >= from && Date.parse(m.at) <= to)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .slice(-Math.min(Math.max(q.limit ?? 200, 1), 1000));
}
