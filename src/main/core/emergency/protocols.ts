/**
 * The manual's three emergency protocols as data: phases with their time targets (< 1 min, < 5 min,
 * < 15 min, long-term), the actions the app can take (asked of the operations gate) and the
 * checklist items it cannot (ticked by the admin, with a note).
 */
import type { ActionStepDef, ChecklistStepDef, ProtocolDef, ProtocolName } from '../../../shared/emergency';

const MIN = 60_000;
const check = (key: string, title: string): ChecklistStepDef => ({ kind: 'checklist', key, title });
const act = (key: string, title: string, action: string, params: Record<string, string> = {}, required: string[] = [], destructive = false, note?: string): ActionStepDef => ({
  kind: 'action',
  key,
  title,
  action,
  params,
  required,
  destructive,
  ...(note ? { note } : {}),
});

const IMMEDIATE = { targetMs: 1 * MIN, targetLabel: '< 1 min' };
const SHORT = { targetMs: 5 * MIN, targetLabel: '< 5 min' };
const MEDIUM = { targetMs: 15 * MIN, targetLabel: '< 15 min' };
const LONG = { targetMs: null, targetLabel: 'long-term' };

export const PROTOCOL_DEFS: Record<ProtocolName, ProtocolDef> = {
  'system-down': {
    name: 'system-down',
    title: 'System Down (P0)',
    indicators: ['Application unreachable', '10+ errors per second', 'Database connection failures'],
    phases: [
      {
        key: 'immediate',
        title: 'Immediate',
        ...IMMEDIATE,
        steps: [check('status_page', 'Check the Supabase status page'), check('hosting_status', "Check the hosting provider's status"), check('dns', 'Verify DNS resolution')],
      },
      {
        key: 'short_term',
        title: 'Short-term',
        ...SHORT,
        steps: [
          check('rollback_deploy', 'Roll back the last deployment'),
          check('scale_up', 'Scale up resources'),
          act('freeze_writes', 'Enable maintenance mode: freeze writes (REVOKE INSERT, UPDATE, DELETE … FROM authenticated)', 'freeze_writes', { schema: 'public', role: 'authenticated' }, ['schema', 'role']),
          act('terminate_sessions', 'Terminate runaway sessions', 'terminate_sessions', { filter: 'idle in transaction' }, ['filter'], true),
        ],
      },
      {
        key: 'medium_term',
        title: 'Medium-term',
        ...MEDIUM,
        steps: [check('review_logs', 'Review the error logs (assessment above)'), check('root_cause', 'Identify the root cause'), check('hotfix', 'Apply a hotfix if available'), act('restore_writes', 'Restore write access', 'restore_writes', { schema: 'public', role: 'authenticated' }, ['schema', 'role'])],
      },
      { key: 'long_term', title: 'Long-term', ...LONG, steps: [check('post_mortem', 'Perform the post-mortem'), check('update_runbooks', 'Update the runbooks'), check('add_monitoring', 'Add monitoring and alerts')] },
    ],
  },
  'data-loss': {
    name: 'data-loss',
    title: 'Data Loss Risk (P0)',
    indicators: ['Failed database backup', 'Replication lag > 5 minutes', 'Corruption detected'],
    phases: [
      {
        key: 'immediate',
        title: 'Freeze writes immediately',
        ...IMMEDIATE,
        steps: [act('freeze_writes', 'Freeze writes: REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM authenticated', 'freeze_writes', { schema: 'public', role: 'authenticated' }, ['schema', 'role'])],
      },
      {
        key: 'short_term',
        title: 'Verify the latest backup and assess the extent',
        ...SHORT,
        steps: [act('backup', 'Take and verify an emergency backup', 'backup', { label: 'emergency' }), check('assess_extent', 'Review the extent (table sizes and row counts above)')],
      },
      {
        key: 'medium_term',
        title: 'Restore or repair, then validate',
        ...MEDIUM,
        steps: [
          check('restore_or_fix', 'Backup < 1 hour old: restore; replication issue: fix replication'),
          act('reindex', 'Corruption: REINDEX a named relation', 'reindex', { relation: '' }, ['relation'], true),
          act('vacuum_full', 'Corruption: VACUUM FULL a named relation', 'vacuum_full', { relation: '' }, ['relation'], true),
          check('validate_integrity', 'Validate data integrity (orphaned records above: none left)'),
        ],
      },
      {
        key: 'long_term',
        title: 'Restore write access and follow up',
        ...LONG,
        steps: [act('restore_writes', 'Restore write access: GRANT INSERT, UPDATE, DELETE … TO authenticated', 'restore_writes', { schema: 'public', role: 'authenticated' }, ['schema', 'role']), check('post_mortem', 'Perform the post-mortem')],
      },
    ],
  },
  'security-breach': {
    name: 'security-breach',
    title: 'Security Breach (P0)',
    indicators: ['Unauthorized data access', 'Multiple RLS violations', 'Suspicious API calls'],
    phases: [
      {
        key: 'immediate',
        title: 'Isolate',
        ...IMMEDIATE,
        steps: [
          act('block_ip', 'Block the suspicious IPs', 'block_ip', { ips: '' }, ['ips'], false, 'Pre-filled from the alert; comma-separated.'),
          check('revoke_keys', 'Revoke compromised API keys'),
          act('terminate_sessions', 'Force logout: terminate the sessions of the application roles', 'terminate_sessions', { filter: 'role:authenticated' }, ['filter'], true),
        ],
      },
      { key: 'short_term', title: 'Assess', ...SHORT, steps: [check('review_assessment', 'Review the RLS violations and unusual access patterns above')] },
      {
        key: 'medium_term',
        title: 'Contain',
        ...MEDIUM,
        steps: [check('rotate_secrets', 'Change all secrets (Stripe, API keys, …)'), check('rotate_db_credentials', 'Rotate the database credentials'), check('webhook_secrets', 'Update webhook secrets')],
      },
      {
        key: 'long_term',
        title: 'Notify and prevent',
        ...LONG,
        steps: [
          check('notify_users', 'Notify affected users (if data was exposed)'),
          check('legal', 'Notify the legal team'),
          check('authorities', 'Notify the authorities (if required)'),
          check('patch', 'Patch the vulnerability'),
          check('monitoring', 'Add monitoring'),
          check('policies', 'Update security policies'),
        ],
      },
    ],
  },
};

export function protocolDef(name: ProtocolName): ProtocolDef {
  return PROTOCOL_DEFS[name];
}
