/**
 * `roman approve "<request text>" (--entropy X | --db URL [--entropy X]) [--environment ENV] [--ttl SECONDS]
 * [--dry-run] [--json]` — turns a request into a catalogued action, evaluates it and explains the
 * decision in the manual's Discord format. Nothing is executed here. Without --dry-run, with --db,
 * an approved executable action also gets its plan and a single-use grant (`roman execute`).
 * Exit 0 approve, 1 reject, 2 invalid input, 3 request not understood.
 */
import { parseArgs } from 'node:util';
import { DomainError } from '../../../shared/result';
import { systemClock } from '../../core/clock';
import { requestAction, type ActionRequestOutcome } from '../../core/actions';
import { EXIT, UsageError, type CliCommand } from '../io';
import { openPool } from '../../core/db/connection';
import { parseTtl, prepareExecution, type Prepared } from '../../core/operations';
import { defaultBackupDir, formatPlan } from '../operations';
import { entropyChoice, exitFor, requester, verdictJson, withEntropy } from './validate';

const USAGE = 'Usage: roman approve "<request text>" (--entropy X | --db URL [--entropy X]) [--environment ENV] [--ttl SECONDS] [--dry-run] [--json]';

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        entropy: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        environment: { type: 'string' },
        ttl: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Request approval of an action in plain words, e.g. "vacuum analyze public.orders" (--entropy X | --db URL [--entropy X]) [--environment ENV] [--ttl SECONDS] [--dry-run] [--json]',
  async run(io) {
    const { values, positionals } = parse(io.args);
    const text = positionals.join(' ').trim();
    if (text === '') throw new UsageError(`say what should be done, e.g. roman approve "deploy to staging" --entropy 0.042 --dry-run\n${USAGE}`);
    const choice = entropyChoice(values);
    let ttlSeconds: number | undefined;
    try {
      ttlSeconds = values.ttl === undefined ? undefined : parseTtl(values.ttl);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    let outcome: { value: ActionRequestOutcome; note: string | null };
    let execution: Prepared | null = null;
    try {
      outcome = await withEntropy(choice, (entropy, meta) => {
        const o = requestAction(
          { text, systemEntropy: entropy, ...(values.environment !== undefined ? { environment: values.environment } : {}) },
          { requested_by: requester(io.env), channel: 'cli', ...meta },
          systemClock,
        );
        return { value: o, decision: o.decision };
      }, io.env);
      if (!values['dry-run'] && choice.source === 'live') {
        execution = await prepareFromCli(choice.url, outcome.value, text, requester(io.env), ttlSeconds, io.env);
      }
    } catch (err) {
      if (err instanceof DomainError) {
        io.stderr(`roman approve: ${err.message}\n`);
        if (err.code === 'not_understood') return EXIT.notUnderstood;
        if (err.code === 'invalid_input') return EXIT.invalid;
        return EXIT.unavailable;
      }
      throw err;
    }
    const { action, decision, explanation } = outcome.value;
    const noGrant =
      values['dry-run'] || decision.result.verdict === 'reject'
        ? null
        : choice.source !== 'live'
          ? 'No grant: executing needs a recorded decision on the database; give --db URL instead of --entropy.'
          : execution && !execution.executable
            ? execution.reason
            : null;
    if (values.json) {
      const json: Record<string, unknown> = {
        ...verdictJson(decision),
        action: { kind: action.kind, environment: action.environment, data: action.data, explanation: action.explanation },
      };
      if (execution?.executable) {
        json.plan = execution.plan;
        json.grant = { id: execution.grant.id, expires_at: execution.grant.expires_at, params_hash: execution.grant.params_hash };
      } else if (noGrant) {
        json.execution = { executable: false, reason: noGrant };
      }
      io.stdout(JSON.stringify(json) + '\n');
    } else {
      const lines = [...explanation, '', 'Request understood as:', ...action.explanation.map((l) => `  • ${l}`), ''];
      if (values['dry-run']) lines.push('(dry run — nothing executed)');
      else if (execution?.executable) {
        lines.push(...formatPlan(execution.plan), '');
        lines.push(`Grant ${execution.grant.id} (single use, expires ${execution.grant.expires_at}).`);
        lines.push(
          `Run it: roman execute ${execution.grant.id} --db URL${execution.plan.production ? ` --confirm ${execution.plan.target.database}` : ''}`,
        );
      } else if (noGrant) lines.push(noGrant, 'Nothing executed.');
      else lines.push('Nothing executed.');
      if (outcome.note) lines.push(outcome.note);
      io.stdout(lines.join('\n') + '\n');
    }
    return exitFor(decision);
  },
};

/** Plan + grant for an approved request (the decision is already recorded by the live decision). */
async function prepareFromCli(
  url: string,
  o: ActionRequestOutcome,
  text: string,
  requestedBy: string,
  ttlSeconds: number | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Prepared | null> {
  if (o.decision.result.verdict === 'reject') return null;
  const db = openPool(url, { max: 2, lazy: true, connectionTimeoutMillis: 10_000 });
  try {
    return await prepareExecution(db.pool, {
      decision: o.decision,
      action: o.action,
      text,
      requestedBy,
      channel: 'cli',
      ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
      backupDir: defaultBackupDir(env),
    });
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('unavailable', `No grant: ${db.redact((err as Error).message)}`);
  } finally {
    await db.close();
  }
}
