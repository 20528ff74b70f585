/**
 * The report of "Test connection": connected or why not, server version, TLS used, latency,
 * whether R.O.M.A.N.'s tables are installed, and what the checks will miss (privileges, extensions).
 */
import type { ConnectionTestReport } from '../../../../shared/connection-test';

export function tlsText(mode: string, used: 'tls' | 'plain' | null, protocol: string | null): string {
  if (used === 'tls') return `TLS${protocol ? ` (${protocol})` : ''} — mode ${mode}`;
  if (used === 'plain') return mode === 'prefer' ? 'No TLS — the server offers none (mode prefer fell back to plain)' : `No TLS — mode ${mode}`;
  return `unknown — mode ${mode}`;
}

export function ConnectionTestResult({ report }: { report: ConnectionTestReport }) {
  if (!report.ok) {
    return (
      <div className="error settings-issues" role="alert" data-testid="connection-test" data-ok="false">
        <strong>Could not connect to {report.target}.</strong> {report.error ?? 'unknown error'}
        {report.tls.used === null && /SSL|TLS|certificate/i.test(report.error ?? '') ? (
          <p className="hint">The TLS mode is “{report.tls.mode}”. “prefer” uses TLS only when the server offers it.</p>
        ) : null}
      </div>
    );
  }
  const missingObjects = report.roman.objects.filter((o) => !o.present);
  return (
    <div className="card connection-test" role="status" data-testid="connection-test" data-ok="true">
      <strong>Connected to {report.target}</strong>
      <dl className="connection-test-facts">
        <dt>Server</dt>
        <dd data-testid="ct-version">PostgreSQL {report.serverVersion ?? 'unknown'}</dd>
        <dt>TLS</dt>
        <dd data-testid="ct-tls">{tlsText(report.tls.mode, report.tls.used, report.tls.protocol)}</dd>
        <dt>Latency</dt>
        <dd data-testid="ct-latency">
          {report.latencyMs === null ? 'unknown' : `${report.latencyMs} ms per round trip`}
          {report.connectMs === null ? '' : ` · connect ${report.connectMs} ms`}
        </dd>
        <dt>R.O.M.A.N. tables</dt>
        <dd data-testid="ct-tables">
          {report.roman.installed === null
            ? 'unknown'
            : report.roman.installed
              ? missingObjects.length === 0
                ? 'installed'
                : `installed; missing: ${missingObjects.map((o) => o.name).join(', ')}`
              : `not installed — after saving, open the profile and use “Install R.O.M.A.N. tables” (creates ${missingObjects.map((o) => o.name).join(', ')})`}
        </dd>
      </dl>
      {report.missing.length === 0 ? (
        <p className="hint" data-testid="ct-missing">Every check can run: no privilege or extension is missing.</p>
      ) : (
        <div data-testid="ct-missing">
          <p>What the checks will miss:</p>
          <ul>
            {report.missing.map((m) => (
              <li key={m.what}>
                <strong>{m.what}</strong> ({m.kind}): {m.effect} <code>{m.fix}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
