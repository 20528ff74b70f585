/**
 * The manual's pre-deployment checklist ("Before ANY deployment"), run by `roman deploy check`.
 * Each item is passed, failed or cannot_check (with why); the deployment may go ahead only when
 * every item passed. What only the pipeline knows (tests, lint, type check, on-call) is taken as an
 * explicit assertion and recorded with who asserted it — never assumed. The report is stored in
 * ops.roman_events (event_type 'deployment_check').
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ASSERTIONS, type Assertion, type CheckItem, type DeploymentCheckReport } from '../../../shared/deployments';
import { requestAction } from '../actions';
import { AlertService } from '../alerts/service';
import { systemClock, type Clock } from '../clock';
import { decideWithLiveEntropy } from '../constitution/live-decision';
import { chooseDecisionEntropy } from '../constitution/decision-entropy';
import { recordEvent } from '../db/events';
import { NotifierRegistry } from '../notify/notifier';
import { DeploymentInputError } from './markers';
import { MigrationsFolderError, inspectMigrations, type MigrationFacts } from './pending-migrations';

export function parseAssertions(raw: string[]): Assertion[] {
  const out = new Set<Assertion>();
  for (const part of raw.flatMap((r) => r.split(','))) {
    const a = part.trim().toLowerCase();
    if (!a) continue;
    if (!(ASSERTIONS as readonly string[]).includes(a)) throw new DeploymentInputError(`--assert takes ${ASSERTIONS.join(', ')} — got "${a.slice(0, 40)}"`);
    out.add(a as Assertion);
  }
  return [...out];
}

export interface DeploymentCheckOptions {
  url: string;
  environment: string;
  migrationsDir: string | null;
  projectDir: string | null;
  assertions: Assertion[];
  backupMaxAgeHours: number;
  checkedBy: string;
  clock?: Clock;
}

const asserted = (id: CheckItem['id'], title: string, a: Assertion, o: DeploymentCheckOptions): CheckItem =>
  o.assertions.includes(a)
    ? { id, title, status: 'passed', detail: `asserted by ${o.checkedBy} (--assert ${a})`, assertedBy: o.checkedBy }
    : { id, title, status: 'cannot_check', detail: `only the pipeline knows: pass --assert ${a} once it is true (never assumed)` };

/**
 * The newest verified backup (its sha256 is known) taken by the operations gate: from
 * ops.roman_executions when installed, else from the `execution` events. Null when there is none.
 */
async function latestVerifiedBackup(db: pg.Pool): Promise<Date | null> {
  const installed = await db.query<{ t: string | null }>(`SELECT to_regclass('ops.roman_executions')::text AS t`);
  if (installed.rows[0]?.t) {
    const r = await db.query<{ at: Date | null }>(
      `SELECT max(coalesce(finished_at, started_at)) AS at FROM ops.roman_executions
        WHERE outcome = 'succeeded' AND backup->>'sha256' IS NOT NULL`,
    );
    if (r.rows[0]?.at) return r.rows[0].at;
  }
  const r = await db.query<{ at: Date | null }>(
    `SELECT max("timestamp") AS at FROM ops.roman_events
      WHERE event_type = 'execution' AND metadata->>'outcome' = 'succeeded'
        AND (metadata->'backup'->>'sha256' IS NOT NULL OR metadata->>'backup_sha256' IS NOT NULL)`,
  );
  return r.rows[0]?.at ?? null;
}

export async function runDeploymentCheck(db: pg.Pool, o: DeploymentCheckOptions): Promise<DeploymentCheckReport> {
  const clock = o.clock ?? systemClock;
  const items: CheckItem[] = [];
  items.push(asserted('tests', 'All tests passing (unit + E2E)', 'tests-passed', o));
  items.push(asserted('lint', 'No ESLint errors', 'lint-clean', o));
  items.push(asserted('typecheck', 'TypeScript type check passes', 'typecheck-passed', o));

  // migrations: pending ones and their dry run against this database
  let facts: MigrationFacts | null = null;
  let factsError: string | null = null;
  if (o.migrationsDir) {
    try {
      facts = await inspectMigrations(db, o.migrationsDir);
    } catch (err) {
      factsError = err instanceof MigrationsFolderError ? err.message : `the dry run could not run: ${(err as Error).message}`;
    }
  }
  const migTitle = 'Database migrations tested';
  if (!o.migrationsDir) items.push({ id: 'migrations', title: migTitle, status: 'cannot_check', detail: 'no migrations folder given (--dir supabase/migrations)' });
  else if (factsError || !facts) items.push({ id: 'migrations', title: migTitle, status: 'cannot_check', detail: factsError ?? 'unknown' });
  else if (facts.pending.length === 0) items.push({ id: 'migrations', title: migTitle, status: 'passed', detail: `no pending migration (${facts.applied} applied)` });
  else if (facts.dryRun && !facts.dryRun.ok)
    items.push({ id: 'migrations', title: migTitle, status: 'failed', detail: `dry run of ${facts.pending.length} pending migration(s) failed at ${facts.dryRun.version}: ${facts.dryRun.error} (rolled back)` });
  else items.push({ id: 'migrations', title: migTitle, status: 'passed', detail: `${facts.pending.length} pending migration(s) (${facts.pending.map((m) => m.version).join(', ')}) apply cleanly in a rolled-back dry run` });

  // the constitutional validation of "deploy to ENV" with the live entropy (recorded)
  let decisionId: string | null = null;
  try {
    const live = await decideWithLiveEntropy(o.url, clock, (reading) => {
      const c = chooseDecisionEntropy(undefined, reading);
      const r = requestAction({ text: `deploy to ${o.environment}`, systemEntropy: c.systemEntropy }, { requested_by: o.checkedBy, channel: 'cli', ...c.meta }, clock);
      return { value: r, decision: r.decision };
    });
    const d = live.value.decision;
    decisionId = d.decision_id;
    items.push({
      id: 'constitutional_validation',
      title: 'R.O.M.A.N. Constitutional validation run',
      status: d.result.verdict !== 'reject' ? 'passed' : 'failed',
      detail: `"deploy to ${o.environment}" ${d.result.verdict !== 'reject' ? 'approved' : 'rejected'} at ${(d.input.system_entropy * 100).toFixed(1)} % decision entropy (decision ${d.decision_id})${d.result.verdict !== 'reject' ? '' : `: ${d.result.violations.map((v) => v.message).join('; ')}`}`,
    });
  } catch (err) {
    items.push({ id: 'constitutional_validation', title: 'R.O.M.A.N. Constitutional validation run', status: 'cannot_check', detail: (err as Error).message });
  }

  // a verified backup when the pending changes are destructive
  const destructive = facts?.pending.filter((m) => m.destructive.length) ?? [];
  const backupTitle = 'Backup created (if destructive changes)';
  let backupAt: Date | null = null;
  try {
    backupAt = await latestVerifiedBackup(db);
  } catch {
    backupAt = null;
  }
  const fresh = backupAt !== null && clock.now().getTime() - backupAt.getTime() <= o.backupMaxAgeHours * 3_600_000;
  if (!facts) items.push({ id: 'backup', title: backupTitle, status: 'cannot_check', detail: 'whether the changes are destructive is unknown without the migrations folder' });
  else if (destructive.length === 0) items.push({ id: 'backup', title: backupTitle, status: 'passed', detail: 'no destructive change pending' });
  else if (fresh) items.push({ id: 'backup', title: backupTitle, status: 'passed', detail: `verified backup from ${backupAt!.toISOString()} (within ${o.backupMaxAgeHours} h)` });
  else
    items.push({
      id: 'backup',
      title: backupTitle,
      status: 'failed',
      detail: `destructive changes pending (${destructive.map((m) => `${m.version}: ${m.destructive.join(', ')}`).join('; ')}) and no verified backup within ${o.backupMaxAgeHours} h${backupAt ? ` (latest ${backupAt.toISOString()})` : ''}: take one with roman approve "backup the database" and roman execute`,
    });

  // a rollback plan: every pending migration has a down section, or a verified backup exists
  const rbTitle = 'Rollback plan documented';
  if (!facts) items.push({ id: 'rollback_plan', title: rbTitle, status: 'cannot_check', detail: 'no migrations folder given (--dir)' });
  else {
    const noDown = facts.pending.filter((m) => !m.hasDown);
    if (noDown.length === 0) items.push({ id: 'rollback_plan', title: rbTitle, status: 'passed', detail: facts.pending.length ? 'every pending migration has a -- migrate:down section' : 'nothing to roll back' });
    else if (fresh) items.push({ id: 'rollback_plan', title: rbTitle, status: 'passed', detail: `${noDown.map((m) => m.version).join(', ')} have no down section; rollback restores the verified backup from ${backupAt!.toISOString()}` });
    else items.push({ id: 'rollback_plan', title: rbTitle, status: 'failed', detail: `${noDown.map((m) => m.file).join(', ')} ${noDown.length === 1 ? 'has' : 'have'} no -- migrate:down section and there is no verified backup to restore` });
  }

  items.push(asserted('on_call', 'On-call engineer notified', 'on-call-notified', o));

  // firing (or pending) critical alerts
  try {
    const service = new AlertService({ db, clock, notifiers: new NotifierRegistry(clock), recordEvents: false, config: {} });
    const outcome = await service.evaluate();
    const critical = service.ruleEvaluations().filter((e) => e.severity === 'critical' && e.state !== 'inactive');
    if (critical.length) items.push({ id: 'critical_alerts', title: 'No critical alert firing', status: 'failed', detail: critical.map((c) => `${c.rule} (${c.state}): ${c.summary}`).join('; ') });
    else if (outcome.errors.length) items.push({ id: 'critical_alerts', title: 'No critical alert firing', status: 'cannot_check', detail: `rules that could not be evaluated: ${outcome.errors.map((e) => `${e.rule}: ${e.error}`).join('; ')}` });
    else items.push({ id: 'critical_alerts', title: 'No critical alert firing', status: 'passed', detail: 'no critical alert pending or firing' });
  } catch (err) {
    items.push({ id: 'critical_alerts', title: 'No critical alert firing', status: 'cannot_check', detail: (err as Error).message });
  }

  const report: DeploymentCheckReport = {
    environment: o.environment,
    checkedAt: clock.now().toISOString(),
    checkedBy: o.checkedBy,
    passed: items.every((i) => i.status === 'passed'),
    items,
    decisionId,
  };
  const failing = items.filter((i) => i.status !== 'passed');
  await recordEvent(db, {
    event_type: 'deployment_check',
    severity: report.passed ? 'info' : 'warning',
    message: report.passed ? `Pre-deployment checklist for ${o.environment} passed` : `Pre-deployment checklist for ${o.environment}: ${failing.length} item(s) not passed (${failing.map((i) => i.id).join(', ')})`,
    idempotency_key: `deployment_check:${randomUUID()}`,
    metadata: { ...report },
  });
  return report;
}

export function formatCheckReport(r: DeploymentCheckReport): string {
  const icon = { passed: '✅', failed: '❌', cannot_check: '❔' } as const;
  const lines = [`Pre-deployment checklist — ${r.environment} (${r.checkedAt}, ${r.checkedBy})`, ''];
  for (const i of r.items) lines.push(`${icon[i.status]} ${i.title}: ${i.status === 'cannot_check' ? 'cannot check — ' : ''}${i.detail}`);
  lines.push('', r.passed ? 'Every item passed: ready to deploy.' : `Not ready: ${r.items.filter((i) => i.status !== 'passed').length} item(s) did not pass.`);
  return lines.join('\n') + '\n';
}
