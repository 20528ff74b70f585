/**
 * The manual's `/audit` message, shared by the CLI, the app and the Discord bot:
 *
 *   🔍 R.O.M.A.N. System Audit Complete
 *
 *   📊 Database: 47 tables, 12 views, 156 indexes
 *   📁 Files: 342 components, 28 services, 87 migrations
 *   🔐 Security: All RLS policies active
 *   💰 AI Costs: $234.56 (last 30 days)
 *   ⚠️ Warnings: 3
 *
 *   Warnings:
 *   1. Table 'documents' missing index on created_at
 *   …
 *   Recommendations:
 *   • Add index: CREATE INDEX idx_documents_created ON documents(created_at DESC);
 *
 * Warnings are the open ERROR and WARN findings (ERROR first, marked); INFO findings are counted.
 * Every warning has its recommendation with the SQL (or command) that fixes it.
 */
import { openCounts, type AuditFinding, type AuditReport } from '../../../shared/audit';

const usd = (n: number) => '$' + n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function recommendation(f: AuditFinding): string {
  const sql = f.remediation.trim();
  let head: string;
  if (f.name === 'env_variable_missing') return `• ${sql}`;
  if (f.name === 'edge_function_outdated_dependencies') return `• ${sql}`;
  if (/^CREATE (UNIQUE )?INDEX/m.test(sql) && !/^DROP/m.test(sql)) head = 'Add index';
  else if (/^DROP INDEX/m.test(sql)) head = 'Drop index';
  else if (/ROW LEVEL SECURITY/.test(sql)) head = 'Enable RLS';
  else head = f.title;
  const lines = sql.split('\n');
  return lines.length === 1 ? `• ${head}: ${lines[0]}` : `• ${head}:\n${lines.map((l) => `    ${l}`).join('\n')}`;
}

export function formatAuditMessage(report: AuditReport): string {
  const inv = report.inventory;
  const db = inv.database;
  const open = report.findings.filter((f) => !f.dismissed);
  const counts = openCounts(report.findings);
  const warnings = open.filter((f) => f.level !== 'INFO');
  const security = open.filter((f) => f.categories.includes('SECURITY') && f.level !== 'INFO' && f.name !== 'edge_function_outdated_dependencies');
  const lines: string[] = ['🔍 R.O.M.A.N. System Audit Complete', ''];
  lines.push(`📊 Database: ${plural(db.tables, 'table', 'tables')}, ${plural(db.views + db.materializedViews, 'view', 'views')}, ${plural(db.indexes, 'index', 'indexes')}, ${plural(db.rlsPolicies, 'RLS policy', 'RLS policies')}`);
  if (inv.project) {
    const p = inv.project;
    lines.push(`📁 Files: ${plural(p.components, 'component', 'components')}, ${plural(p.services, 'service', 'services')}, ${plural(p.migrations, 'migration', 'migrations')}`);
  }
  if (security.length === 0) {
    lines.push(db.rlsPolicies > 0 ? '🔐 Security: All RLS policies active' : '🔐 Security: No exposed tables without RLS');
  } else {
    const byTitle = new Map<string, number>();
    for (const f of security) byTitle.set(f.title, (byTitle.get(f.title) ?? 0) + 1);
    lines.push(`🔐 Security: ${plural(security.length, 'issue', 'issues')} (${[...byTitle].map(([t, n]) => `${n} ${t.toLowerCase()}`).join(', ')})`);
  }
  lines.push(inv.aiCosts30dUsd === null ? '💰 AI Costs: no data (public.ai_usage_logs missing)' : `💰 AI Costs: ${usd(inv.aiCosts30dUsd)} (last 30 days)`);
  if (inv.recentErrors24h !== null) lines.push(`🐞 Recent errors: ${inv.recentErrors24h.toLocaleString('en-US')} (last 24 hours)`);
  lines.push(`⚠️ Warnings: ${warnings.length}`);
  if (counts.INFO > 0) lines.push(`ℹ️ Info: ${counts.INFO}`);
  const dismissed = report.findings.length - open.length;
  if (dismissed > 0) lines.push(`🙈 Dismissed: ${dismissed}`);
  const cmp = report.comparison;
  if (cmp.previous) {
    lines.push(`📈 Since ${cmp.previous.createdAt.slice(0, 16).replace('T', ' ')} UTC: ${cmp.new.length} new, ${cmp.resolved.length} resolved, ${cmp.stillOpen.length} still open`);
  }
  if (warnings.length > 0) {
    lines.push('', 'Warnings:');
    warnings.forEach((f, i) => lines.push(`${i + 1}. ${f.level === 'ERROR' ? '[ERROR] ' : ''}${f.detail}`));
    lines.push('', 'Recommendations:');
    for (const f of warnings) lines.push(recommendation(f));
  } else {
    lines.push('', 'Recommendations:', '✅ No warnings - no action needed');
  }
  const notChecked = [
    ...report.unavailable.map((u) => `• ${u.name}: unavailable: ${u.reason}`),
    ...(inv.project?.edgeFunctions.filter((f) => f.status === 'unavailable') ?? []).map((f) => `• Edge Function '${f.name}': unavailable: ${f.reason}`),
    ...(inv.project?.notes ?? []).map((n) => `• ${n}`),
  ];
  if (notChecked.length > 0) lines.push('', 'Not checked:', ...notChecked);
  return lines.join('\n') + '\n';
}
