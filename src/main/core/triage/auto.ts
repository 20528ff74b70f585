/**
 * Automatic start of a playbook (manual: critical → "always attempt"). Only the leader app (one per
 * database) does it, only for a critical pattern that is new or regressed and matched by a
 * playbook, only once per incident of the pattern (its latest status change), and only when every
 * action the playbook would take now is non-destructive. Starting means: the detection and the
 * checks run and the run is recorded with trigger 'automatic'; its actions go through the
 * operations gate like any other (they need a grant), and the admin records the outcome.
 */
import type { Queryable } from '../alerts/rule';
import type { TriageStore } from '../store/triage';
import type { Promisified } from '../store/rpc';
import { listRuns, runPlaybook } from './playbooks';

export interface AutoStartOptions {
  db: Queryable;
  /** The triage store, in this thread or through the cache worker. */
  triage: Pick<TriageStore, 'list'> | Pick<Promisified<TriageStore>, 'list'>;
  now: Date;
  leader: boolean;
  startedBy: string;
  /** Incidents already handled by this process (pattern id + status time). */
  handled: Set<string>;
}

export interface AutoStartResult {
  started: Array<{ patternId: string; playbook: string; runId: string }>;
  skipped: Array<{ patternId: string; playbook: string; reason: string }>;
}

export async function autoStartPlaybooks(o: AutoStartOptions): Promise<AutoStartResult> {
  const result: AutoStartResult = { started: [], skipped: [] };
  if (!o.leader) return result;
  const candidates = (await o.triage.list({ status: ['new', 'regressed'], severity: ['critical'], since: '1h', limit: 50 })).filter((p) => p.playbook !== null);
  for (const p of candidates) {
    const key = `${p.id}@${p.statusChangedAt}`;
    if (o.handled.has(key)) continue;
    o.handled.add(key);
    const earlier = await listRuns(o.db, { patternId: p.id, limit: 1 });
    if (earlier[0] && Date.parse(earlier[0].startedAt) >= Date.parse(p.statusChangedAt)) {
      result.skipped.push({ patternId: p.id, playbook: p.playbook!, reason: 'a run for this incident exists already' });
      continue;
    }
    let destructive: string[] = [];
    const run = await runPlaybook(o.db, p.playbook!, {
      now: o.now,
      startedBy: o.startedBy,
      trigger: 'automatic',
      patternId: p.id,
      shouldRecord: ({ proposed }) => {
        destructive = proposed.filter((a) => a.available && a.destructive).map((a) => a.title);
        return destructive.length === 0;
      },
    });
    if (destructive.length > 0) result.skipped.push({ patternId: p.id, playbook: p.playbook!, reason: `would take destructive actions: ${destructive.join('; ')}` });
    else if (run.runId) result.started.push({ patternId: p.id, playbook: p.playbook!, runId: run.runId });
    else result.skipped.push({ patternId: p.id, playbook: p.playbook!, reason: 'ops.roman_playbook_runs is missing (roman db init)' });
  }
  return result;
}
