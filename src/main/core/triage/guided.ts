/**
 * The manual's "Manual Triage Checklist" as data for a guided flow opened from a pattern:
 *  1. gather context — the manual's three queries, pre-run against the database;
 *  2. identify the pattern — recurring? one user or all? after a deployment? one feature? —
 *     answered from the pattern's occurrences;
 *  3. impact — a suggested level with its reason (the admin decides);
 *  4. fix — the matching playbook or an action (the UI);
 *  5. validate — the pattern's occurrences and all errors per minute over the 10 minutes after the fix;
 *  6. document — a note stored with the pattern (TriageStore.addNote).
 */
import type { Queryable } from '../alerts/rule';
import type { TriageStore } from '../store/triage';
import type { Promisified } from '../store/rpc';

/** The triage store, in this thread or through the cache worker. */
type TriageReader<K extends keyof TriageStore & string> = Pick<TriageStore, K> | Pick<Promisified<TriageStore>, K>;
import type { PatternDetail } from '../../../shared/triage';
import type { TriageContext, TriageContextRow, TriageValidation } from '../../../shared/api/triage';

const MINUTE = 60_000;

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

function span(ms: number): string {
  if (ms < 2 * MINUTE) return 'under 2 minutes';
  if (ms < 2 * 3_600_000) return `${Math.round(ms / MINUTE)} minutes`;
  if (ms < 2 * 86_400_000) return `${Math.round(ms / 3_600_000)} hours`;
  return `${Math.round(ms / 86_400_000)} days`;
}

export function answerQuestions(p: PatternDetail, now: Date): TriageContext['questions'] {
  const first = Date.parse(p.firstSeen);
  const last = Date.parse(p.lastSeen);
  const lastDay = p.sparkline.counts.reduce((a, b) => a + b, 0);
  const recurring =
    p.count <= 1
      ? { answer: 'No — seen once', evidence: `one occurrence at ${p.firstSeen}` }
      : { answer: `Yes — ${plural(p.count, 'occurrence')} over ${span(last - first)}`, evidence: `${lastDay} in the last 24 hours; last seen ${span(now.getTime() - last)} ago; sources ${p.sources.join(', ') || '—'}` };
  const top = p.topUsers[0];
  const users =
    p.users === 0
      ? { answer: 'Unknown — the rows name no user', evidence: 'no user_id in the occurrences' }
      : p.users === 1
        ? { answer: `A single user (${top?.value ?? '?'})`, evidence: `${plural(top?.count ?? 0, 'occurrence')} from that user` }
        : { answer: `${p.users} users${p.users >= 10 ? ' — widespread' : ''}`, evidence: `most affected: ${p.topUsers.slice(0, 3).map((u) => `${u.value} (${u.count})`).join(', ')}; ${plural(p.ips, 'IP')}` };
  const d = p.deployment;
  const deployment = !d
    ? { answer: 'Unknown — the occurrences carry no correlation_id', evidence: 'no deployment can be tied to the first occurrence' }
    : d.deployedAt === null
      ? { answer: `Maybe — first seen under ${d.correlationId}`, evidence: 'no deployment event with that correlation_id is cached' }
      : d.startedAfter
        ? { answer: `Yes — after ${d.version ? `v${d.version}` : d.correlationId}`, evidence: `deployed ${d.deployedAt}, first seen ${p.firstSeen} (${span(first - Date.parse(d.deployedAt))} later)` }
        : { answer: 'No — it was there before that deployment', evidence: `first seen ${p.firstSeen}, deployment ${d.deployedAt}` };
  const single = p.features.find((f) => f.values.length === 1);
  const feature = single
    ? { answer: `Yes — ${single.key} ${single.values[0]!.value}`, evidence: p.features.map((f) => `${f.key}: ${f.values.map((v) => `${v.value} (${v.count})`).join(', ')}`).join('; ') }
    : p.features.length
      ? { answer: 'Several', evidence: p.features.map((f) => `${f.key}: ${f.values.map((v) => `${v.value} (${v.count})`).join(', ')}`).join('; ') }
      : p.sources.length === 1
        ? { answer: `Source ${p.sources[0]} only`, evidence: 'the metadata names no function, endpoint, table or feature' }
        : { answer: 'Unknown — the metadata names no feature', evidence: `sources ${p.sources.join(', ')}` };
  return [
    { id: 'recurring', question: 'Is the error recurring? (same message, source)', ...recurring },
    { id: 'users', question: 'Affecting a single user or all users?', ...users },
    { id: 'deployment', question: 'Started after a deployment? (correlation_id)', ...deployment },
    { id: 'feature', question: 'Related to a specific feature? (metadata)', ...feature },
  ];
}

export function suggestImpact(p: PatternDetail): TriageContext['impact'] {
  const lastHour = p.sparkline.counts[p.sparkline.counts.length - 1] ?? 0;
  if (p.severity === 'critical' || (p.playbook === 'db_connection_failures' && lastHour >= 10)) {
    return { level: 'critical', reason: p.severity === 'critical' ? 'critical severity: system down or data loss risk' : `${lastHour} database connection errors this hour: the system may be down` };
  }
  if (p.severity === 'error' && (p.users >= 5 || lastHour >= 10)) return { level: 'high', reason: `${plural(p.users, 'user')} affected, ${lastHour} this hour: a core feature may be unavailable` };
  if (p.severity === 'error') return { level: 'medium', reason: 'errors of one feature, few users: degraded' };
  return { level: 'low', reason: 'warnings only: an edge case or a workaround exists' };
}

interface Row {
  timestamp: Date;
  severity: string | null;
  source?: string | null;
  event_type?: string | null;
  message: string;
}

const toRow = (r: Row): TriageContextRow => ({
  timestamp: new Date(r.timestamp).toISOString(),
  severity: r.severity,
  source: r.source ?? r.event_type ?? null,
  message: String(r.message).slice(0, 500),
});

export async function buildTriageContext(db: Queryable | null, triage: TriageReader<'detail'>, id: string, now: Date): Promise<TriageContext | null> {
  const pattern = await triage.detail(id);
  if (!pattern) return null;
  let recentErrors: TriageContextRow[] | null = null;
  let romanEvents: TriageContextRow[] | null = null;
  let systemHealth: TriageContext['systemHealth'] = null;
  const problems: string[] = [];
  if (!db) problems.push('no database is open');
  else {
    try {
      const r = await db.query<Row>(
        `SELECT "timestamp", severity::text, source::text, message::text FROM public.system_logs
          WHERE severity IN ('error', 'critical') ORDER BY "timestamp" DESC LIMIT 50`,
      );
      recentErrors = r.rows.map(toRow);
    } catch (err) {
      problems.push(`recent errors: ${(err as Error).message}`);
    }
    try {
      const r = await db.query<Row>(
        `SELECT "timestamp", severity::text, event_type::text, message::text FROM ops.roman_events
          WHERE severity IN ('error', 'critical') ORDER BY "timestamp" DESC LIMIT 50`,
      );
      romanEvents = r.rows.map(toRow);
    } catch (err) {
      problems.push(`R.O.M.A.N. events: ${(err as Error).message}`);
    }
    try {
      const r = await db.query<{ timestamp: Date; entropy: number | null; error_rate: number | null; failure_rate: number | null; latency_spikes: number | null; active_connections: number | null }>(
        `SELECT "timestamp", entropy, error_rate, failure_rate, latency_spikes, active_connections FROM ops.system_health ORDER BY "timestamp" DESC LIMIT 1`,
      );
      const h = r.rows[0];
      systemHealth = h
        ? { timestamp: new Date(h.timestamp).toISOString(), entropy: h.entropy, errorRate: h.error_rate, failureRate: h.failure_rate, latencySpikes: h.latency_spikes, activeConnections: h.active_connections }
        : null;
      if (!h) problems.push('system health: no snapshot in ops.system_health yet');
    } catch (err) {
      problems.push(`system health: ${(err as Error).message}`);
    }
  }
  return {
    pattern,
    recentErrors,
    romanEvents,
    systemHealth,
    contextError: problems.length ? problems.join('; ') : null,
    questions: answerQuestions(pattern, now),
    impact: suggestImpact(pattern),
  };
}

export async function buildValidation(db: Queryable | null, triage: TriageReader<'timeline'>, id: string, since: Date, now: Date): Promise<TriageValidation> {
  const from = Math.floor(since.getTime() / MINUTE) * MINUTE;
  const until = from + 10 * MINUTE;
  const pattern = await triage.timeline(id, from, until, MINUTE);
  let errors: Map<number, number> | null = null;
  let errorsLast10Minutes: number | null = null;
  if (db) {
    try {
      const r = await db.query<{ minute: Date; n: string }>(
        `SELECT date_trunc('minute', "timestamp") AS minute, count(*) AS n FROM public.system_logs
          WHERE severity = 'error' AND "timestamp" >= $1::timestamptz AND "timestamp" < $2::timestamptz GROUP BY 1`,
        [new Date(from).toISOString(), new Date(until).toISOString()],
      );
      errors = new Map(r.rows.map((x) => [new Date(x.minute).getTime(), Number(x.n)]));
      // the manual's step 5 query, as written (relative to the database's clock)
      const m = await db.query<{ n: string }>(`SELECT count(*) AS n FROM system_logs WHERE severity = 'error' AND timestamp > NOW() - INTERVAL '10 minutes'`);
      errorsLast10Minutes = Number(m.rows[0]?.n ?? 0);
    } catch {
      errors = null;
    }
  }
  return {
    since: new Date(from).toISOString(),
    until: new Date(until).toISOString(),
    minutes: pattern.map((p) => {
      const t = Date.parse(p.at);
      return { at: p.at, pattern: p.count, errors: errors ? (t > now.getTime() ? null : (errors.get(t) ?? 0)) : null };
    }),
    errorsLast10Minutes,
    complete: now.getTime() >= until,
  };
}
