/**
 * `roman checks --db URL [--json]`: runs every health check once and prints every result — with
 * `--json` the records exactly as the dashboard gets them (`[{"key","area","status","value",
 * "detail","rows","remediation",…}, …]`), else one line per check and the fix of each finding.
 * Exit 0 when the checks ran (whatever they found), 4 when the database is unreachable, 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { EXIT, type CliCommand, type CliIO } from '../io';
import { asUsageError, dbUrlFrom, openReachable } from '../db-arg';
import { systemClock } from '../../core/clock';
import { runHealthChecks } from '../../core/monitoring/runner';
import type { HealthCheckResult } from '../../../shared/monitoring';

const USAGE = 'usage: roman checks --db URL [--json]   (URL also from ROMAN_DB_URL)';

const ICON: Record<HealthCheckResult['status'], string> = { ok: '✅', warning: '⚠️', critical: '🔴', unavailable: '❔', no_data: '∅' };

export function formatChecks(results: HealthCheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) lines.push(`${ICON[r.status]} ${r.key.padEnd(36)} ${r.status.padEnd(11)} ${r.detail}`);
  const findings = results.filter((r) => r.status === 'warning' || r.status === 'critical');
  const count = (s: HealthCheckResult['status']) => results.filter((r) => r.status === s).length;
  lines.push('', `${results.length} checks: ${count('ok')} ok, ${count('warning')} warning, ${count('critical')} critical, ${count('unavailable')} unavailable`);
  for (const f of findings) lines.push('', `${ICON[f.status]} ${f.title} (${f.key})`, f.remediation);
  return lines.join('\n') + '\n';
}

async function checks(io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: io.args, options: { db: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true, allowPositionals: false });
  const url = dbUrlFrom(io, values.db, USAGE);
  const db = await openReachable(io, 'checks', url);
  if (!db) return EXIT.unavailable;
  let results: HealthCheckResult[];
  try {
    results = await runHealthChecks(db.pool, { clock: systemClock });
  } finally {
    await db.close();
  }
  if (values.json) io.stdout(JSON.stringify(results.map((r) => ({ ...r, rows: r.rows ?? [] })), null, 2) + '\n');
  else io.stdout(formatChecks(results));
  return EXIT.ok;
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Every health check once (PgHero-level): status, value, offenders and the fix',
  async run(io) {
    try {
      return await checks(io);
    } catch (err) {
      throw asUsageError(err, USAGE);
    }
  },
};
