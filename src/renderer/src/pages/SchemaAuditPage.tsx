/**
 * Audit (the manual's /audit): runs the schema audit on the open connection, shows the inventory,
 * the findings by level with the SQL that fixes each, lets an admin dismiss a finding with a note,
 * and compares with the previous report (new, resolved, still open). The last report is shown on
 * open — from the database, or from the local cache when it is unreachable.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, CallError } from '../api';
import { AUDIT_LEVELS, openCounts, type AuditFinding, type AuditLevel, type AuditReport } from '../../../shared/audit';

const LEVEL_TITLES: Record<AuditLevel, string> = { ERROR: 'Errors', WARN: 'Warnings', INFO: 'Info' };

function messageOf(err: unknown): string {
  return err instanceof CallError ? err.error.message : err instanceof Error ? err.message : String(err);
}

function FindingCard({ f, isNew, onDismiss }: { f: AuditFinding; isNew: boolean; onDismiss: (key: string, note: string) => Promise<void> }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <article className="card" data-testid="finding" data-cache-key={f.cache_key} data-level={f.level} style={{ marginBottom: 10 }}>
      <div className="row">
        <span className={`pill ${f.level === 'ERROR' ? 'critical' : f.level === 'WARN' ? 'warning' : 'info'}`}>{f.level}</span>
        <strong data-testid="finding-title">{f.title}</strong>
        <span className="muted">{f.categories.join(', ')}</span>
        {isNew && <span className="pill" data-testid="finding-new">new</span>}
      </div>
      <p data-testid="finding-detail">{f.detail}</p>
      <details open={f.level !== 'INFO'}>
        <summary className="hint">Fix</summary>
        <pre data-testid="finding-fix" style={{ whiteSpace: 'pre-wrap', userSelect: 'text' }}>
          {f.remediation}
        </pre>
      </details>
      {f.dismissed ? (
        <p className="hint" data-testid="finding-dismissed">
          Dismissed by {f.dismissed.by}: {f.dismissed.note}
        </p>
      ) : (
        <div className="row">
          <input
            aria-label={`Why dismiss ${f.cache_key}`}
            placeholder="Why dismiss it? (required)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            data-testid="dismiss-note"
            style={{ flex: 1, minWidth: 220 }}
          />
          <button
            className="btn secondary"
            disabled={busy || note.trim() === ''}
            data-testid="dismiss-button"
            onClick={() => {
              setBusy(true);
              setError(null);
              onDismiss(f.cache_key, note)
                .catch((err: unknown) => setError(messageOf(err)))
                .finally(() => setBusy(false));
            }}
          >
            Dismiss
          </button>
          {error && <span className="error">{error}</span>}
        </div>
      )}
    </article>
  );
}

export function SchemaAuditPage() {
  const [report, setReport] = useState<AuditReport | null>(null);
  const [source, setSource] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [projectDir, setProjectDir] = useState('');

  useEffect(() => {
    let live = true;
    call('audit.latest', {})
      .then((r) => {
        if (!live) return;
        setReport(r.report);
        setSource(r.source);
      })
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, []);

  const run = useCallback(async () => {
    setRunning(true);
    setError(null);
    try {
      const r = await call('audit.run', projectDir.trim() ? { projectDir: projectDir.trim() } : {});
      setReport(r.report);
      setMessage(r.message);
      setSource(r.saved ? 'database' : 'this run (not saved: ' + (r.savedReason ?? 'unknown') + ')');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setRunning(false);
    }
  }, [projectDir]);

  const dismiss = useCallback(async (cacheKey: string, note: string) => {
    const d = await call('audit.dismiss', { cache_key: cacheKey, note });
    setReport((r) => (r ? { ...r, findings: r.findings.map((f) => (f.cache_key === cacheKey ? { ...f, dismissed: d } : f)) } : r));
  }, []);

  const counts = report ? openCounts(report.findings) : null;
  const cmp = report?.comparison;
  const isNew = new Set(cmp?.previous ? cmp.new : []);
  return (
    <div className="page">
      <h1>Audit</h1>
      <p className="subtitle">Schema audit like the manual&apos;s /audit: every finding with the SQL that fixes it, compared with the last report.</p>
      <div className="row" style={{ marginBottom: 14 }}>
        <button className="btn" onClick={() => void run()} disabled={running} data-testid="run-audit">
          {running ? 'Auditing…' : 'Run audit'}
        </button>
        <input
          aria-label="Project folder"
          placeholder="Project folder (optional; default from Settings)"
          value={projectDir}
          onChange={(e) => setProjectDir(e.target.value)}
          data-testid="project-dir"
          style={{ minWidth: 320 }}
        />
      </div>
      {error && (
        <p className="error" role="alert" data-testid="audit-error">
          {error}
        </p>
      )}
      {!report && !error && <p className="muted" data-testid="audit-empty">No audit report yet. Run one.</p>}
      {report && counts && (
        <>
          <section className="card" style={{ marginBottom: 14 }} aria-label="Summary">
            <div className="row" data-testid="audit-inventory">
              <span>📊 {report.inventory.database.tables} tables</span>
              <span>{report.inventory.database.views + report.inventory.database.materializedViews} views</span>
              <span>{report.inventory.database.indexes} indexes</span>
              <span>{report.inventory.database.rlsPolicies} RLS policies</span>
              {report.inventory.project && (
                <span>
                  📁 {report.inventory.project.components} components, {report.inventory.project.services} services, {report.inventory.project.migrations} migrations
                </span>
              )}
              {report.inventory.aiCosts30dUsd !== null && <span>💰 ${report.inventory.aiCosts30dUsd.toFixed(2)} (30 days)</span>}
            </div>
            <p className="hint" data-testid="audit-counts">
              {counts.ERROR} error, {counts.WARN} warning, {counts.INFO} info — report of {new Date(report.createdAt).toLocaleString()} ({source ?? 'unknown source'})
            </p>
            <p data-testid="audit-comparison">
              {cmp?.previous
                ? `Compared with the report of ${new Date(cmp.previous.createdAt).toLocaleString()}: ${cmp.new.length} new, ${cmp.resolved.length} resolved, ${cmp.stillOpen.length} still open`
                : 'First report: nothing to compare with yet'}
            </p>
            {cmp && cmp.resolved.length > 0 && (
              <ul data-testid="audit-resolved">
                {cmp.resolved.map((r) => (
                  <li key={r.cache_key}>✅ resolved: {r.detail}</li>
                ))}
              </ul>
            )}
            {report.unavailable.length > 0 && (
              <p className="hint">Not checked: {report.unavailable.map((u) => `${u.name} (${u.reason})`).join('; ')}</p>
            )}
          </section>
          {AUDIT_LEVELS.map((level) => {
            const list = report.findings.filter((f) => f.level === level && !f.dismissed);
            return (
              <section key={level} aria-label={LEVEL_TITLES[level]} data-testid={`level-${level}`} style={{ marginBottom: 14 }}>
                <h2>
                  {LEVEL_TITLES[level]} ({list.length})
                </h2>
                {list.length === 0 && <p className="muted">None.</p>}
                {list.map((f) => (
                  <FindingCard key={f.cache_key} f={f} isNew={isNew.has(f.cache_key)} onDismiss={dismiss} />
                ))}
              </section>
            );
          })}
          {report.findings.some((f) => f.dismissed) && (
            <section aria-label="Dismissed" data-testid="level-dismissed">
              <h2>Dismissed ({report.findings.filter((f) => f.dismissed).length})</h2>
              {report.findings
                .filter((f) => f.dismissed)
                .map((f) => (
                  <FindingCard key={f.cache_key} f={f} isNew={false} onDismiss={dismiss} />
                ))}
            </section>
          )}
          {message && (
            <details>
              <summary className="hint">The /audit message</summary>
              <pre data-testid="audit-message" style={{ whiteSpace: 'pre-wrap' }}>
                {message}
              </pre>
            </details>
          )}
        </>
      )}
    </div>
  );
}
