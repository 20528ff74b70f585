/**
 * Writes to ops.roman_events, exactly once: every write carries an idempotency_key and uses
 * `ON CONFLICT (idempotency_key) DO NOTHING`, so a retry (after a timeout, from the outbox, from a
 * second app) never creates a second row.
 *
 * `recordDecision` turns a constitutional Decision into its event (approval / rejection, the
 * manual's "Action rejected: <description>" message, the whole decision as metadata, key =
 * decision_id). `recordEvent` is the generic form other domains use (alerts, actions).
 *
 * The row's `timestamp` is the server's now(), not the decision's time: a decision delivered late
 * from an offline outbox must still be seen by every other desktop's incremental sync. The original
 * time stays in metadata.timestamp.
 */
import type pg from 'pg';
import type { Decision } from '../../../shared/constitution';

export const EVENT_SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

export interface RomanEventInput {
  event_type: string;
  severity: EventSeverity;
  message: string;
  metadata?: Record<string, unknown>;
  /** Unique per logical event; retries with the same key are no-ops. */
  idempotency_key: string;
}

export interface RecordResult {
  inserted: boolean;
  /** Id of the row (the existing one when it was already recorded). */
  id: string | null;
}

export class EventValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventValidationError';
  }
}

const MAX_MESSAGE = 10_000;
const MAX_KEY = 200;

/** Postgres text and jsonb cannot hold U+0000: replace it so odd input is stored, not refused. */
function withoutNul(s: string): string {
  return s.includes('\u0000') ? s.split('\u0000').join('\uFFFD') : s;
}

function metadataJson(metadata: unknown): string {
  const json = JSON.stringify(metadata ?? {}, (_k, v: unknown) => {
    if (typeof v === 'string') return withoutNul(v);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    return v;
  });
  if (json === undefined || !json.startsWith('{')) throw new EventValidationError('metadata must be a JSON object');
  return json;
}

export function validateEvent(e: RomanEventInput): RomanEventInput {
  if (!e || typeof e !== 'object') throw new EventValidationError('event must be an object');
  if (typeof e.event_type !== 'string' || !/^[a-z][a-z0-9_.-]{0,63}$/.test(e.event_type)) {
    throw new EventValidationError(`event_type must be a lower-case identifier (got ${JSON.stringify(e.event_type)})`);
  }
  if (!(EVENT_SEVERITIES as readonly string[]).includes(e.severity)) {
    throw new EventValidationError(`severity must be one of ${EVENT_SEVERITIES.join(', ')} (got ${JSON.stringify(e.severity)})`);
  }
  if (typeof e.message !== 'string' || e.message.trim() === '') throw new EventValidationError('message must be a non-empty string');
  if (typeof e.idempotency_key !== 'string' || e.idempotency_key.trim() === '' || e.idempotency_key.length > MAX_KEY) {
    throw new EventValidationError(`idempotency_key must be a non-empty string of at most ${MAX_KEY} characters`);
  }
  if (e.metadata !== undefined && (typeof e.metadata !== 'object' || e.metadata === null || Array.isArray(e.metadata))) {
    throw new EventValidationError('metadata must be a JSON object');
  }
  return e;
}

/** Inserts one event once. Returns inserted=false when an event with this key already exists. */
export async function recordEvent(db: pg.Pool | pg.ClientBase, event: RomanEventInput): Promise<RecordResult> {
  const e = validateEvent(event);
  const message = withoutNul(e.message.length > MAX_MESSAGE ? e.message.slice(0, MAX_MESSAGE - 1) + '…' : e.message);
  const r = await db.query<{ id: string }>(
    `insert into ops.roman_events (event_type, severity, message, metadata, idempotency_key)
     values ($1, $2, $3, $4::jsonb, $5)
     on conflict (idempotency_key) do nothing
     returning id::text as id`,
    [e.event_type, e.severity, message, metadataJson(e.metadata), withoutNul(e.idempotency_key)],
  );
  if (r.rows.length > 0) return { inserted: true, id: r.rows[0].id };
  const existing = await db.query<{ id: string }>('select id::text as id from ops.roman_events where idempotency_key = $1', [
    withoutNul(e.idempotency_key),
  ]);
  return { inserted: false, id: existing.rows[0]?.id ?? null };
}

/** The ops.roman_events row a decision becomes (pure; also used to queue it in the outbox). */
export function decisionEvent(decision: Decision): RomanEventInput {
  if (!decision || typeof decision !== 'object') throw new EventValidationError('decision must be an object');
  if (typeof decision.decision_id !== 'string' || decision.decision_id.trim() === '') {
    throw new EventValidationError('decision.decision_id is required');
  }
  const verdict = decision.result?.verdict;
  const description = decision.input?.action?.description ?? '(no description)';
  switch (verdict) {
    case 'approve':
      return {
        event_type: 'approval',
        severity: 'info',
        message: `Action approved: ${description}`,
        metadata: decision as unknown as Record<string, unknown>,
        idempotency_key: decision.decision_id,
      };
    case 'approve_with_warning':
      return {
        event_type: 'approval',
        severity: 'warning',
        message: `Action approved with warning: ${description}`,
        metadata: decision as unknown as Record<string, unknown>,
        idempotency_key: decision.decision_id,
      };
    case 'reject':
      return {
        event_type: 'rejection',
        severity: 'warning',
        message: `Action rejected: ${description}`,
        metadata: decision as unknown as Record<string, unknown>,
        idempotency_key: decision.decision_id,
      };
    default:
      throw new EventValidationError(`decision ${decision.decision_id} has no valid verdict (got ${JSON.stringify(verdict)})`);
  }
}

/** Records a constitutional decision in ops.roman_events exactly once (key = decision_id). */
export async function recordDecision(pool: pg.Pool | pg.ClientBase, decision: Decision): Promise<{ inserted: boolean }> {
  const r = await recordEvent(pool, decisionEvent(decision));
  return { inserted: r.inserted };
}
