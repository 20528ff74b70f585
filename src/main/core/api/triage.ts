/**
 * Handlers of the triage domain. Patterns come from the local cache (they work offline); playbooks,
 * the guided flow's context queries and the validation's error counts need the database and say
 * so (unavailable) when it cannot be reached.
 */
import { DomainError } from '../../../shared/result';
import type { HandlerRegistry } from './registry';
import type { RemoteCache } from '../store/cache-client';
import type { Queryable } from '../alerts/rule';
import { TriageInputError } from '../store/triage';
import { PlaybookError, listPlaybooks, listRuns, recordOutcome, runPlaybook } from '../triage/playbooks';
import { buildTriageContext, buildValidation } from '../triage/guided';
import { isConnectionError } from '../db/connection';

export interface TriageHandlerDeps {
  cache: () => RemoteCache;
  /** The open workspace's pool, or null when none is open. */
  db: () => Queryable | null;
  environment?: () => string | undefined;
}

function cacheOf(deps: TriageHandlerDeps): RemoteCache {
  try {
    return deps.cache();
  } catch (err) {
    throw new DomainError('unavailable', `local cache unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function dbOf(deps: TriageHandlerDeps): Queryable {
  const db = deps.db();
  if (!db) throw new DomainError('unavailable', 'no database is open: playbooks run against the watched database');
  return db;
}

async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TriageInputError) throw new DomainError('invalid_input', err.message);
    if (err instanceof PlaybookError) throw new DomainError(err.code, err.message);
    if (isConnectionError(err)) throw new DomainError('unavailable', `the database cannot be reached: ${(err as Error).message}`);
    throw err;
  }
}

export function registerTriageHandlers(registry: HandlerRegistry, deps: TriageHandlerDeps): void {
  registry.method('triage.patterns', (input) =>
    guard(async () => {
      const cache = cacheOf(deps);
      await cache.triage.index();
      const patterns = await cache.triage.list(input);
      return { patterns, indexedAt: cache.clock.now().toISOString() };
    }),
  );

  registry.method('triage.pattern', (input) =>
    guard(async () => {
      const detail = await cacheOf(deps).triage.detail(input.id);
      if (!detail) throw new DomainError('not_found', `no pattern ${input.id}`);
      return detail;
    }),
  );

  registry.method('triage.setStatus', (input, ctx) => guard(async () => cacheOf(deps).triage.setStatus(input.id, input.status, `${ctx.caller.channel}:${ctx.caller.requestedBy}`)));

  registry.method('triage.addNote', (input, ctx) =>
    guard(async () => {
      const cache = cacheOf(deps);
      await cache.triage.addNote(input.id, input.text, `${ctx.caller.channel}:${ctx.caller.requestedBy}`);
      return (await cache.triage.detail(input.id))!;
    }),
  );

  registry.method('triage.playbooks', () => guard(() => listPlaybooks(dbOf(deps))));

  registry.method('triage.runPlaybook', (input, ctx) =>
    guard(async () => {
      const { proposed: _p, ...report } = await runPlaybook(dbOf(deps), input.name, {
        now: ctx.clock.now(),
        startedBy: `${ctx.caller.channel}:${ctx.caller.requestedBy}`,
        patternId: input.patternId ?? null,
        environment: deps.environment?.(),
      });
      return report;
    }),
  );

  registry.method('triage.recordOutcome', (input, ctx) => guard(() => recordOutcome(dbOf(deps), input.runId, input.outcome, { now: ctx.clock.now(), note: input.note ?? null })));

  registry.method('triage.runs', (input) => guard(() => listRuns(dbOf(deps), input)));

  registry.method('triage.context', (input, ctx) =>
    guard(async () => {
      const c = await buildTriageContext(deps.db(), cacheOf(deps).triage, input.id, ctx.clock.now());
      if (!c) throw new DomainError('not_found', `no pattern ${input.id}`);
      return c;
    }),
  );

  registry.method('triage.validation', (input, ctx) =>
    guard(() => buildValidation(deps.db(), cacheOf(deps).triage, input.id, new Date(input.since), ctx.clock.now())),
  );
}
