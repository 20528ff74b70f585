/**
 * The action catalogue: every operational action R.O.M.A.N. knows, with its ActionData profile
 * (method, risk to life, entropy increase, ratio where meaningful), whether it is destructive, the
 * phrases that request it and the safer alternative the manual suggests when it is rejected.
 * Profiles follow the manual's examples: backups, patches, gradual migrations, rollbacks and fixes
 * are approved; deleting the production database or disabling authentication endanger life; mass
 * deletes and unthrottled inserts are brute force; new features and untested code add entropy.
 */
import type { ActionKind, CatalogueEntry, Environment } from '../../../shared/actions';
import { PRINCIPLE_SACRED_GEOMETRY_RATIO } from '../../../shared/constitution';

export const BACKUP_FIRST = 'Create backup before any destructive operation.';

export const CATALOGUE: readonly CatalogueEntry[] = Object.freeze([
  {
    kind: 'backup',
    label: 'Database backup',
    summary: 'Dump the database (pg_dump) and verify the dump: protects user data.',
    phrases: ['database backup', 'create backup', 'backup', 'backup database', 'verify backup'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'gradual', entropy_increase: 0, risk_to_life: 0 },
  },
  {
    kind: 'deploy',
    label: 'Deploy',
    summary: 'Deploy a tested build gradually (staging first).',
    phrases: ['deploy', 'deploy to staging', 'release', 'rollout'],
    destructive: false,
    method_adjustable: true,
    profile: { method_type: 'gradual', entropy_increase: 0.001, risk_to_life: 0, geometric_ratio: 1.618 },
  },
  {
    kind: 'migration',
    label: 'Database migration',
    summary: 'Apply SQL migrations step by step (backup first in production).',
    phrases: ['database migration', 'gradual migration', 'migration', 'apply migration', 'schema migration'],
    destructive: false,
    method_adjustable: true,
    profile: { method_type: 'gradual', entropy_increase: 0.01, risk_to_life: 0 },
  },
  {
    kind: 'rollback',
    label: 'Rollback',
    summary: 'Roll back a failed deployment or migration: reduces entropy.',
    phrases: ['rollback', 'rollback deployment', 'rollback migration', 'rollback database migration', 'revert deployment'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'gradual', entropy_increase: -0.02, risk_to_life: 0 },
  },
  {
    kind: 'security_patch',
    label: 'Security patch deployment',
    summary: 'Deploy a security patch: closes a hole, reduces entropy.',
    phrases: ['security patch deployment', 'security patch', 'deploy security patch', 'security update', 'patch', 'apply patch'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'gradual', entropy_increase: -0.01, risk_to_life: 0 },
  },
  {
    kind: 'fix',
    label: 'Fix',
    summary: 'Fix breaking changes (hotfix) before new features: reduces entropy.',
    phrases: ['fix breaking changes before new features', 'fix breaking changes', 'hotfix', 'fix', 'apply hotfix', 'deploy hotfix', 'deploy fix', 'apply fix', 'patch bug', 'fix bug'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'gradual', entropy_increase: -0.02, risk_to_life: 0 },
  },
  {
    kind: 'vacuum',
    label: 'VACUUM ANALYZE',
    summary: 'Reclaim dead tuples and refresh planner statistics.',
    phrases: ['vacuum analyze', 'vacuum', 'analyze'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'gradual', entropy_increase: -0.005, risk_to_life: 0 },
  },
  {
    kind: 'freeze_writes',
    label: 'Freeze writes',
    summary: 'REVOKE INSERT, UPDATE, DELETE from authenticated (Data Loss Risk protocol).',
    phrases: ['freeze writes', 'revoke writes', 'read only mode'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'transactional', entropy_increase: -0.05, risk_to_life: 0 },
  },
  {
    kind: 'restore_writes',
    label: 'Restore write access',
    summary: 'GRANT INSERT, UPDATE, DELETE back to authenticated after the data is validated.',
    phrases: ['restore write access', 'restore writes', 'unfreeze writes', 'grant writes'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'transactional', entropy_increase: 0.01, risk_to_life: 0 },
  },
  {
    kind: 'create_index',
    label: 'Create index',
    summary: 'CREATE INDEX CONCURRENTLY for a recommended index.',
    phrases: ['create index', 'add index', 'build index'],
    destructive: false,
    method_adjustable: true,
    profile: { method_type: 'gradual', entropy_increase: 0.002, risk_to_life: 0 },
  },
  {
    kind: 'cancel_query',
    label: 'Cancel query',
    summary: 'Cancel a runaway query (pg_cancel_backend): reduces load.',
    phrases: ['cancel query', 'cancel runaway query', 'kill query', 'terminate query', 'cancel backend', 'terminate backend', 'kill backend'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'transactional', entropy_increase: -0.02, risk_to_life: 0 },
  },
  {
    kind: 'block_ip',
    label: 'Block IP',
    summary: 'Block a suspicious IP address (Security Breach protocol).',
    phrases: ['block ip', 'block ip address', 'ban ip'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'transactional', entropy_increase: -0.01, risk_to_life: 0 },
  },
  {
    kind: 'bulk_delete',
    label: 'Mass delete',
    summary: 'Delete many rows (old sessions, expired records): brute force unless throttled.',
    phrases: ['mass delete', 'bulk delete', 'delete old', 'delete expired', 'delete old rows', 'throttled delete', 'batched delete', 'delete rows', 'delete session', 'delete old logs'],
    destructive: true,
    method_adjustable: true,
    profile: { method_type: 'brute_force', entropy_increase: 0.02, risk_to_life: 0, production_risk_to_life: 0.3 },
  },
  {
    kind: 'bulk_insert',
    label: 'Bulk insert',
    summary: 'Insert or backfill many rows: brute force unless throttled.',
    phrases: ['bulk insert', 'unthrottled bulk insert', 'mass insert', 'backfill', 'throttled backfill', 'bulk load', 'bulk import', 'insert'],
    destructive: false,
    method_adjustable: true,
    profile: { method_type: 'brute_force', entropy_increase: 0.02, risk_to_life: 0 },
  },
  {
    kind: 'api_calls',
    label: 'API calls',
    summary: 'Batch of calls to an external API (AI providers, Stripe): brute force unless rate-limited.',
    phrases: ['api calls', 'rate-limited api calls', 'api requests', 'call api'],
    destructive: false,
    method_adjustable: true,
    profile: { method_type: 'brute_force', entropy_increase: 0.01, risk_to_life: 0 },
  },
  {
    kind: 'add_feature',
    label: 'Add feature',
    summary: 'Ship a new feature: adds complexity (entropy).',
    phrases: ['add feature', 'new feature', 'add complexity', 'ship feature', 'deploy new feature'],
    destructive: false,
    method_adjustable: true,
    profile: { method_type: 'gradual', entropy_increase: 0.05, risk_to_life: 0 },
  },
  {
    kind: 'deploy_untested',
    label: 'Deploy untested code',
    summary: 'Deploy code that has not passed its tests: adds entropy.',
    phrases: ['deploy untested code', 'untested deployment', 'deploy without tests', 'skip tests', 'untested'],
    destructive: false,
    method_adjustable: true,
    profile: { method_type: 'gradual', entropy_increase: 0.08, risk_to_life: 0 },
  },
  {
    kind: 'disable_auth',
    label: 'Disable authentication system',
    summary: 'Turn authentication off: exposes every user.',
    phrases: ['disable authentication system', 'disable authentication', 'turn off authentication', 'bypass authentication', 'without authentication'],
    destructive: true,
    method_adjustable: false,
    profile: { method_type: 'transactional', entropy_increase: 0.1, risk_to_life: 0.8, production_risk_to_life: 1 },
    alternative: 'Keep authentication on: revoke the compromised keys, force logout the sessions or block the offending IPs instead.',
  },
  {
    kind: 'disable_rls',
    label: 'Disable row level security',
    summary: 'ALTER TABLE … DISABLE ROW LEVEL SECURITY: exposes rows across organizations.',
    phrases: ['disable rls', 'disable row level security', 'turn off rls', 'bypass rls', 'without rls'],
    destructive: true,
    method_adjustable: false,
    profile: { method_type: 'transactional', entropy_increase: 0.05, risk_to_life: 0.6, production_risk_to_life: 0.9 },
    alternative: 'Keep RLS enabled: add or fix the policy (or the user_organizations membership) that grants the access needed.',
  },
  {
    kind: 'drop_database',
    label: 'Delete database',
    summary: 'DROP DATABASE: destroys every row.',
    phrases: ['delete production database', 'drop database', 'delete database'],
    destructive: true,
    method_adjustable: false,
    profile: { method_type: 'transactional', entropy_increase: 0.2, risk_to_life: 0.5, production_risk_to_life: 1 },
  },
  {
    kind: 'delete_production_data',
    label: 'Delete data',
    summary: 'Delete or truncate user data.',
    phrases: ['delete production data', 'delete data', 'delete user data', 'delete customer data', 'truncate table', 'drop table', 'delete everything', 'truncate', 'delete users', 'delete table'],
    destructive: true,
    method_adjustable: true,
    profile: { method_type: 'brute_force', entropy_increase: 0.1, risk_to_life: 0.6, production_risk_to_life: 0.9 },
  },
  {
    kind: 'read_write_ratio',
    label: 'Set read:write ratio',
    summary: 'Balance read and write operations (1.618:1 is the golden ratio).',
    phrases: ['1.618:1 ratio of read:write operations', 'read:write ratio', 'read write operations'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'gradual', entropy_increase: 0, risk_to_life: 0 },
  },
  {
    kind: 'ui_layout',
    label: 'UI spacing change',
    summary: 'Change UI spacing or layout proportions (the golden ratio is ideal).',
    phrases: ['ui spacing following golden ratio', 'ui spacing', 'ui layout', 'spacing'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'gradual', entropy_increase: 0.001, risk_to_life: 0, geometric_ratio: PRINCIPLE_SACRED_GEOMETRY_RATIO },
  },
  // issue 9 (operations): executable counterparts of create_index and block_ip
  {
    kind: 'drop_index',
    label: 'Drop index',
    summary: 'DROP INDEX CONCURRENTLY of an unused or duplicate index (backup first in production).',
    phrases: ['drop index', 'drop unused index', 'drop duplicate index', 'remove index'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'gradual', entropy_increase: -0.002, risk_to_life: 0 },
  },
  {
    kind: 'unblock_ip',
    label: 'Unblock IP',
    summary: 'Lift the block of an IP address.',
    phrases: ['unblock ip', 'unblock ip address', 'unban ip'],
    destructive: false,
    method_adjustable: false,
    profile: { method_type: 'transactional', entropy_increase: 0.005, risk_to_life: 0 },
  },
] satisfies CatalogueEntry[]);

const BY_KIND = new Map(CATALOGUE.map((e) => [e.kind, e]));

export function catalogueEntry(kind: ActionKind): CatalogueEntry {
  const entry = BY_KIND.get(kind);
  if (!entry) throw new Error(`action kind "${kind}" is not in the catalogue`);
  return entry;
}

function envSuffix(env: Environment, preposition: string): string {
  return env === 'unspecified' ? '' : ` ${preposition} ${env}`;
}

/**
 * The ActionData description: "Deploy to staging", "Delete production database",
 * "Throttled bulk insert into invoices"…
 */
export function describeAction(kind: ActionKind, env: Environment, target: string | null, methodWord: string | null): string {
  const entry = catalogueEntry(kind);
  const envWord = env === 'unspecified' ? '' : `${env} `;
  let text: string;
  switch (kind) {
    case 'deploy':
      text = `Deploy${target ? ` ${target}` : ''}${envSuffix(env, 'to')}`;
      break;
    case 'drop_database':
      text = `Delete ${envWord}database${target ? ` ${target}` : ''}`;
      break;
    case 'delete_production_data':
      text = `Delete ${envWord}data${target ? ` in ${target}` : ''}`;
      break;
    case 'disable_rls':
      text = `Disable row level security${target ? ` on ${target}` : ''}${envSuffix(env, 'in')}`;
      break;
    case 'bulk_insert':
      text = `Bulk insert${target ? ` into ${target}` : ''}${envSuffix(env, 'in')}`;
      break;
    case 'block_ip':
      text = `Block IP${target ? ` ${target}` : ''}${envSuffix(env, 'in')}`;
      break;
    default:
      text = `${entry.label}${target ? ` of ${target}` : ''}${envSuffix(env, 'in')}`;
  }
  if (methodWord) {
    const keepCase = text.length > 1 && text[1] === text[1].toUpperCase() && /[A-Z]/.test(text[1]);
    text = `${methodWord[0].toUpperCase()}${methodWord.slice(1)} ${keepCase ? text : `${text[0].toLowerCase()}${text.slice(1)}`}`;
  }
  return text;
}
