/**
 * `roman emergency start system-down|data-loss|security-breach --db URL [--json] [--ip LIST]` —
 * opens the protocol, runs its assessment queries and prints them with the phases, their time
 * targets and the actions (taken with `roman approve` / `roman execute`). The incident is recorded
 * in ops.roman_events (event_type 'incident') and the local cache.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, runSubcommand, type CliCommand, type CliIO } from '../io';
import { ConnectionConfigError, parseConnectionUrl } from '../../../shared/connections';
import { DomainError } from '../../../shared/result';
import { PROTOCOLS, type Incident } from '../../../shared/emergency';
import { openPool } from '../../core/db/connection';
import { systemClock } from '../../core/clock';
import { Cache } from '../../core/store/cache';
import { defaultCachePath } from '../../core/store/paths';
import { RunbookStore } from '../../core/runbooks';
import { EmergencyDesk, phaseClocks, protocolDef } from '../../core/emergency';
import { requester } from './validate';

const USAGE = 'usage: roman emergency start system-down|data-loss|security-breach --db URL [--json] [--ip LIST] [--cache PATH]';

function text(incident: Incident): string {
  const def = protocolDef(incident.protocol);
  const clocks = phaseClocks(incident, systemClock.now());
  const lines = [`${incident.title} opened (incident ${incident.id}) at ${incident.openedAt}`, '', 'Assessment:'];
  for (const a of incident.assessment) {
    lines.push(`  [${a.status}] ${a.title}: ${a.summary}`);
    for (const r of a.rows.slice(0, 10)) lines.push(`      ${Object.entries(r).map(([k, v]) => `${k}=${v === null ? '—' : String(v)}`).join('  ')}`);
  }
  lines.push('', 'Response:');
  for (const [i, p] of def.phases.entries()) {
    lines.push(`  ${p.title} (${p.targetLabel}${clocks[i]!.dueAt ? `, due ${clocks[i]!.dueAt}` : ''})`);
    for (const s of p.steps) {
      const params = s.kind === 'action' ? incident.steps[s.key]!.params : {};
      lines.push(`    ${s.kind === 'action' ? '▶' : '☐'} ${s.title}${s.kind === 'action' ? `  [action ${s.action}${Object.keys(params).length ? ' ' + Object.entries(params).map(([k, v]) => `${k}=${v || '?'}`).join(' ') : ''}]` : ''}`);
    }
  }
  lines.push('', 'Actions go through the operations gate: request them with `roman approve "<action>" --db URL` and run them with `roman execute`.');
  return lines.join('\n') + '\n';
}

async function start(io: CliIO, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false }, ip: { type: 'string' }, cache: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const protocol = positionals[0];
  if (!protocol || !(PROTOCOLS as readonly string[]).includes(protocol)) throw new UsageError(`say which protocol: ${PROTOCOLS.join(', ')}\n${USAGE}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]!.slice(0, 40)}"\n${USAGE}`);
  const url = values.db ?? io.env.ROMAN_DB_URL;
  if (!url) throw new UsageError(`--db URL is required\n${USAGE}`);
  let host: string;
  try {
    host = parseConnectionUrl(url).host;
  } catch (err) {
    if (err instanceof ConnectionConfigError) throw new UsageError(err.message);
    throw err;
  }
  const db = openPool(url, { max: 2, lazy: true, connectionTimeoutMillis: 5000 });
  let cache: Cache | null = null;
  try {
    if (!(await db.probe())) {
      io.stderr(`roman emergency start: cannot reach ${db.description}: ${db.lastError ? db.redact(db.lastError.message) : 'no answer'}\n`);
      return EXIT.unavailable;
    }
    try {
      cache = Cache.open(values.cache ?? defaultCachePath(url, io.env), { clock: systemClock });
    } catch (err) {
      io.stderr(`roman emergency start: the local cache cannot be opened (${(err as Error).message}); the timeline is kept in ops.roman_events only\n`);
    }
    const desk = new EmergencyDesk({ pool: db.pool, clock: systemClock, store: cache ? new RunbookStore(cache) : null, cache, host });
    const incident = await desk.start({
      protocol,
      openedBy: requester(io.env),
      alert: values.ip ? { rule: protocol === 'security-breach' ? 'security_breach' : protocol === 'data-loss' ? 'data_loss_risk' : 'system_down', title: 'CLI', labels: { ip: values.ip } } : null,
    });
    if (values.json) {
      const def = protocolDef(incident.protocol);
      io.stdout(
        JSON.stringify({
          incident_id: incident.id,
          protocol: incident.protocol,
          title: incident.title,
          opened_at: incident.openedAt,
          assessment: incident.assessment,
          phases: phaseClocks(incident, systemClock.now()).map((c, i) => ({ ...c, steps: def.phases[i]!.steps.map((s) => ({ ...s, ...(s.kind === 'action' ? { params: incident.steps[s.key]!.params } : {}) })) })),
        }) + '\n',
      );
    } else {
      io.stdout(text(incident));
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof DomainError) {
      io.stderr(`roman emergency start: ${db.redact(err.message)}\n`);
      return err.code === 'invalid_input' ? EXIT.invalid : EXIT.unavailable;
    }
    throw new Error(db.redact((err as Error).message));
  } finally {
    cache?.close();
    await db.close();
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Emergency protocols (system-down, data-loss, security-breach): open one and run its assessment queries',
  run: (io) => runSubcommand(io, USAGE, { start }),
};
