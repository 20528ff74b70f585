/**
 * Operations (capability 8): the emergency protocols (started here or from a firing alert's
 * "Open protocol", shown as `incident=<id>` in the fragment) and the maintenance runbooks.
 */
import { useEffect, useState } from 'react';
import { call } from '../api';
import { PROTOCOLS, type ProtocolName } from '../../../shared/emergency';
import type { IncidentView } from '../../../shared/api/runbooks';
import { useLiveData } from '../components/charts/live';
import { errorText } from '../components/triage/PlaybookPanel';
import { IncidentPanel } from '../components/operations/IncidentView';
import { RunbooksPanel } from '../components/operations/RunbooksPanel';
import '../dashboard.css';
import '../triage.css';

const TITLES: Record<ProtocolName, string> = { 'system-down': 'System Down', 'data-loss': 'Data Loss Risk', 'security-breach': 'Security Breach' };

function incidentFromHash(): string | null {
  return new URLSearchParams(location.hash.slice(1)).get('incident');
}

function showIncident(id: string) {
  const params = new URLSearchParams(location.hash.slice(1));
  params.set('incident', id);
  history.replaceState(null, '', '#' + params.toString());
}

export function RunbooksPage() {
  const [view, setView] = useState<IncidentView | null>(null);
  const [busy, setBusy] = useState<ProtocolName | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const incidents = useLiveData(() => call('emergency.incidents', { limit: 20 }), { intervalMs: 60_000 });

  useEffect(() => {
    const load = () => {
      const id = incidentFromHash();
      if (id && id !== view?.incident.id) {
        call('emergency.incident', { id }).then(setView, (err: unknown) => setProblem(errorText(err)));
      }
    };
    load();
    window.addEventListener('hashchange', load);
    return () => window.removeEventListener('hashchange', load);
  }, [view?.incident.id]);

  async function start(protocol: ProtocolName) {
    setBusy(protocol);
    setProblem(null);
    try {
      const v = await call('emergency.start', { protocol });
      setView(v);
      showIncident(v.incident.id);
      incidents.refresh();
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(null);
    }
  }

  async function open(id: string) {
    try {
      const v = await call('emergency.incident', { id });
      setView(v);
      showIncident(id);
    } catch (err) {
      setProblem(errorText(err));
    }
  }

  return (
    <div className="page" data-testid="operations-page">
      <h1>Runbooks and emergencies</h1>
      <section className="card" aria-labelledby="emergency-h">
        <h2 id="emergency-h">Emergency protocols</h2>
        <p className="muted">Opening a protocol runs its assessment queries at once; its actions go through the operations gate.</p>
        <div className="row">
          {PROTOCOLS.map((p) => (
            <button key={p} type="button" className="btn danger" disabled={busy !== null} onClick={() => void start(p)}>
              {busy === p ? 'Opening…' : `Start ${TITLES[p]}`}
            </button>
          ))}
        </div>
        {problem ? <p className="error" role="alert">{problem}</p> : null}
        {incidents.data && incidents.data.length > 0 ? (
          <ul className="plain" data-testid="incidents">
            {incidents.data.map((i) => (
              <li key={i.id}>
                <button type="button" className="link" onClick={() => void open(i.id)}>
                  {i.title} — {new Date(i.openedAt).toLocaleString()} {i.closedAt ? '(closed)' : '(open)'}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {view ? <IncidentPanel view={view} onView={setView} /> : null}
      <RunbooksPanel />
    </div>
  );
}
