/** 🔒 Security Audit Log: RLS violations per IP over the last 24 hours. */
import { DEFAULT_THRESHOLDS, type Panel, type SecurityPanel } from '../../../../shared/monitoring';
import type { AlertsListOutput } from '../../../../shared/api/alerts';
import { BarList, fmt } from '../charts';
import { PanelCard, PanelBody, LogList } from './common';

export function SecurityCard({ panel, loading, alerts }: { panel: Panel<SecurityPanel> | undefined; loading: boolean; alerts: AlertsListOutput | null }) {
  const breachIps = new Set(
    [...(alerts?.firing ?? []), ...(alerts?.pending ?? []), ...(alerts?.silenced ?? [])].filter((a) => a.rule === 'security_breach' && a.labels.ip).map((a) => a.labels.ip),
  );
  return (
    <PanelCard id="security" icon="🔒" title="Security Audit Log" testId="panel-security">
      <PanelBody panel={panel} loading={loading}>
        {(data) => (
          <>
            <p className="hint">
              RLS violations in the last 24 hours by client IP. Security Breach fires at {DEFAULT_THRESHOLDS.rlsViolationsPerIpPerMinute}+ violations from one IP within 1 minute
              {breachIps.size > 0 ? '; IPs with an active Security Breach alert are red' : ''}.
            </p>
            {data.byIp.length === 0 ? (
              <p className="muted">No RLS violations in the last 24 hours.</p>
            ) : (
              <BarList
                title="RLS violations per IP, last 24 hours (top 10)"
                testId="chart-rls-by-ip"
                items={data.byIp.slice(0, 10).map((r) => ({
                  key: r.ip,
                  label: breachIps.has(r.ip) ? `🚨 ${r.ip}` : r.ip,
                  value: r.violations,
                  note: `last seen ${fmt.dateTime(r.lastSeen)}`,
                  hot: breachIps.has(r.ip),
                }))}
                format={fmt.integer}
                color="var(--warn)"
              />
            )}
            {breachIps.size > 0 ? (
              <p className="error" data-testid="security-breach-ips">
                Security Breach: {[...breachIps].join(', ')}
              </p>
            ) : null}
            <h3 className="dash-subhead">Latest violations</h3>
            <LogList entries={data.latest} limit={6} empty="No RLS violations recorded." testId="latest-violations" />
          </>
        )}
      </PanelBody>
    </PanelCard>
  );
}
