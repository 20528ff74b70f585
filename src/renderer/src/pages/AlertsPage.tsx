/**
 * Alerts: what is firing, pending, silenced and recently resolved (Prometheus / Alertmanager
 * semantics), with acknowledge, silence (matchers prefilled from the alert's rule and labels) and
 * expire-silence actions, the transition history (newest first), the active silences, notifier
 * status with "Send test", and rules that could not be evaluated. Live on 'alerts.changed'.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { call, CallError } from '../api';
import type { AlertInstance, AlertTransition, Matcher, NotifierHealth, NotifierStatus, Silence } from '../../../shared/alerts';
import type { AlertsListOutput } from '../../../shared/api/alerts';
import { PROTOCOL_FOR_ALERT } from '../../../shared/emergency';
import { fmt } from '../components/charts';
import { useLiveData, useNow } from '../components/charts/live';
import { useWorkspace } from '../components/WorkspaceBar';
import '../dashboard.css';

const REFRESH_EVERY_MS = 10_000;

type Act = (label: string, run: () => Promise<unknown>) => Promise<boolean>;


/** Opens the emergency protocol the firing alert calls for (System Down, Data Loss Risk, Security Breach). */
function OpenProtocolButton({ alert }: { alert: AlertInstance }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  async function open() {
    setBusy(true);
    try {
      const v = await call('emergency.start', { alert: { rule: alert.rule, title: alert.title, fingerprint: alert.fingerprint, labels: alert.labels } });
      const params = new URLSearchParams(location.hash.slice(1));
      params.set('page', 'runbooks');
      params.set('incident', v.incident.id);
      location.hash = params.toString();
    } catch (err) {
      setProblem(err instanceof CallError ? err.error.message : err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="btn danger" disabled={busy} onClick={() => void open()}>
        {busy ? 'Opening protocol…' : 'Open protocol'}
      </button>
      {problem ? <span className="error" role="alert">{problem}</span> : null}
    </>
  );
}

function errorText(err: unknown): string {
  if (err instanceof CallError) {
    const issues = err.error.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
    return issues ? `${err.error.message} (${issues})` : err.error.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function matcherText(m: Pick<Matcher, 'name' | 'value' | 'isRegex' | 'isEqual'>): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}"${m.value}"`;
}

/** Units of the values of the rules whose value is known to be a ratio or milliseconds (the contract carries no unit). */
const RULE_VALUE_UNIT: Record<string, 'ratio' | 'ms'> = {
  error_rate_spike: 'ratio',
  api_success_rate: 'ratio',
  performance_degradation: 'ms',
  response_time: 'ms',
};

function formatValue(rule: string, value: number | null): string {
  if (value === null) return '—';
  const unit = RULE_VALUE_UNIT[rule];
  if (unit === 'ratio') return fmt.percent1(value);
  if (unit === 'ms') return fmt.millis(value);
  return String(Math.round(value * 1e4) / 1e4);
}

function Labels({ labels }: { labels: Record<string, string> }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <span className="alert-labels" data-testid="alert-labels">
      {entries.map(([k, v]) => (
        <code key={k} className="label-chip">
          {k}={v}
        </code>
      ))}
    </span>
  );
}

function When({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={fmt.dateTime(iso)}>
      {fmt.dateTime(iso)} ({fmt.ago(iso, now)})
    </time>
  );
}

// ---------------------------------------------------------------------------------------------

function SilenceForm({ alert, act, onDone }: { alert: AlertInstance; act: Act; onDone: () => void }) {
  const candidates: Matcher[] = [
    { name: 'alertname', value: alert.rule, isRegex: false, isEqual: true },
    ...Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
  ];
  const [use, setUse] = useState<boolean[]>(() => candidates.map(() => true));
  const [minutes, setMinutes] = useState('60');
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = `silence-${alert.fingerprint}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const durationMinutes = Number(minutes);
    const matchers = candidates.filter((_, i) => use[i]);
    if (!/^\d+$/.test(minutes.trim()) || durationMinutes < 1 || durationMinutes > 30 * 24 * 60) {
      setProblem('Duration: a whole number of minutes between 1 and 43200 (30 days).');
      return;
    }
    if (comment.trim() === '') {
      setProblem('Comment: say why you silence it.');
      return;
    }
    if (matchers.length === 0) {
      setProblem('Keep at least one matcher, or the silence would match every alert.');
      return;
    }
    setProblem(null);
    const ok = await act('Silenced', () => call('alerts.silence', { matchers, durationMinutes, comment: comment.trim() }));
    if (ok) onDone();
  }

  return (
    <form className="silence-form" onSubmit={submit} aria-label={`Silence ${alert.title}`} data-testid="silence-form">
      <fieldset>
        <legend>Matchers (an alert is silenced when all match)</legend>
        {candidates.map((m, i) => (
          <label key={m.name} className="checkbox">
            <input
              type="checkbox"
              checked={use[i]}
              onChange={(e) => setUse((u) => u.map((v, j) => (j === i ? e.target.checked : v)))}
              data-testid="silence-matcher"
            />{' '}
            <code>{matcherText(m)}</code>
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-minutes`}>Duration (minutes)</label>
      <input id={`${id}-minutes`} type="number" min={1} max={43200} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      <label htmlFor={`${id}-comment`}>Comment</label>
      <textarea id={`${id}-comment`} value={comment} maxLength={500} placeholder="e.g. known incident, fix deploying" onChange={(e) => setComment(e.target.value)} />
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="btn">
          Create silence
        </button>
        <button type="button" className="btn secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The alert a desktop notification asked to show (`alert=<fingerprint>` in the fragment). */
function useFocusedAlert(): string | null {
  const read = () => new URLSearchParams(location.hash.slice(1)).get('alert');
  const [focused, setFocused] = useState(read);
  useEffect(() => {
    const onHash = () => setFocused(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return focused;
}

function AlertCard({ alert, act, now, titleOf }: { alert: AlertInstance; act: Act; now: number; titleOf: (fingerprint: string) => string }) {
  const [silencing, setSilencing] = useState(false);
  const focusedFingerprint = useFocusedAlert();
  const focused = focusedFingerprint === alert.fingerprint;
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'center' });
  }, [focused]);
  const since = alert.startsAt ?? alert.activeAt;
  return (
    <article
      ref={ref}
      data-focused={focused ? 'true' : undefined}
      className={`card alert-card ${alert.severity} ${alert.state}${focused ? ' focused' : ''}`}
      data-testid="alert"
      data-rule={alert.rule}
      data-state={alert.state}
      data-fingerprint={alert.fingerprint}
      data-acknowledged={alert.acknowledged ? 'true' : 'false'}
      aria-labelledby={`alert-${alert.fingerprint}-h`}
    >
      <header className="row alert-head">
        <span className={`pill ${alert.severity}`} data-testid="alert-severity">
          {alert.severity}
        </span>
        <h3 id={`alert-${alert.fingerprint}-h`}>{alert.title}</h3>
        <span className={`pill state-${alert.state}`}>{alert.state}</span>
        {alert.silencedBy.length > 0 ? <span className="pill">🔕 silenced</span> : null}
        {alert.inhibitedBy.length > 0 ? <span className="pill">inhibited</span> : null}
        {alert.acknowledged ? (
          <span className="pill ok" data-testid="alert-acknowledged" title={fmt.dateTime(alert.acknowledged.at)}>
            ✓ acknowledged by {alert.acknowledged.by}
          </span>
        ) : null}
      </header>
      <p className="alert-summary">{alert.summary}</p>
      <dl className="kv">
        <dt>Labels</dt>
        <dd>
          <Labels labels={alert.labels} />
        </dd>
        <dt>Value</dt>
        <dd data-testid="alert-value" title={alert.value === null ? undefined : String(alert.value)}>
          {formatValue(alert.rule, alert.value)}
        </dd>
        <dt>{alert.state === 'pending' ? 'Pending since' : alert.state === 'resolved' ? 'Fired at' : 'Firing since'}</dt>
        <dd>
          <When iso={since} now={now} />
        </dd>
        {alert.endsAt ? (
          <>
            <dt>Resolved</dt>
            <dd>
              <When iso={alert.endsAt} now={now} />
            </dd>
          </>
        ) : null}
        <dt>Trigger</dt>
        <dd>{alert.trigger}</dd>
        <dt>Action</dt>
        <dd>{alert.action}</dd>
        {alert.silencedBy.length > 0 ? (
          <>
            <dt>Silenced by</dt>
            <dd>{alert.silencedBy.join(', ')}</dd>
          </>
        ) : null}
        {alert.inhibitedBy.length > 0 ? (
          <>
            <dt>Inhibited by</dt>
            <dd data-testid="alert-inhibited-by">{alert.inhibitedBy.map(titleOf).join(', ')} (firing)</dd>
          </>
        ) : null}
      </dl>
      {alert.state !== 'resolved' ? (
        <div className="row alert-actions">
          <button
            type="button"
            className="btn"
            disabled={alert.acknowledged !== null}
            onClick={() => void act('Acknowledged', () => call('alerts.acknowledge', { fingerprint: alert.fingerprint }))}
          >
            {alert.acknowledged ? 'Acknowledged' : 'Acknowledge'}
          </button>
          <button type="button" className="btn secondary" aria-expanded={silencing} onClick={() => setSilencing((s) => !s)}>
            Silence…
          </button>
          {alert.state === 'firing' && PROTOCOL_FOR_ALERT[alert.rule] ? <OpenProtocolButton alert={alert} /> : null}
          {alert.silencedBy.map((id) => (
            <button key={id} type="button" className="btn secondary" onClick={() => void act('Silence expired', () => call('alerts.unsilence', { id }))}>
              Expire silence
            </button>
          ))}
        </div>
      ) : null}
      {silencing ? <SilenceForm alert={alert} act={act} onDone={() => setSilencing(false)} /> : null}
    </article>
  );
}

function AlertSection({
  id,
  title,
  alerts,
  empty,
  act,
  now,
  titleOf,
}: {
  id: string;
  title: string;
  alerts: AlertInstance[];
  empty: string;
  act: Act;
  now: number;
  titleOf: (fingerprint: string) => string;
}) {
  return (
    <section className="alert-section" aria-labelledby={`${id}-h`} data-testid={`section-${id}`}>
      <h2 id={`${id}-h`}>
        {title} <span className="pill">{alerts.length}</span>
      </h2>
      {alerts.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="alert-list">
          {alerts.map((a) => (
            <AlertCard key={a.fingerprint} alert={a} act={act} now={now} titleOf={titleOf} />
          ))}
        </div>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------

const HEALTH_PILL: Record<NotifierHealth, string> = { ok: 'ok', rate_limited: 'warning', failing: 'critical', disabled: 'critical' };

function NotifiersCard({ notifiers, act, leader, leadership }: { notifiers: NotifierStatus[]; act: Act; leader: boolean; leadership?: 'this' | 'other' | 'unknown' }) {
  const who = leadership ?? (leader ? 'this' : 'unknown');
  return (
    <section className="card" aria-labelledby="notifiers-h" data-testid="notifiers">
      <h2 id="notifiers-h">Notifiers</h2>
      {notifiers.length === 0 ? (
        <p className="muted">No notifiers configured. Add a Discord webhook in Settings.</p>
      ) : (
        <ul className="dash-list notifier-list">
          {notifiers.map((n) => (
            <li key={n.name} data-testid="notifier" data-name={n.name} data-health={n.health}>
              <strong>{n.name}</strong>
              <span className="muted">{n.kind}</span>
              <span className={`pill ${HEALTH_PILL[n.health]}`}>{n.health.replace('_', ' ')}</span>
              <span className="dash-message">
                {n.detail ?? ''}
                {n.lastSentAt ? <span className="hint">{n.detail ? ' · ' : ''}last sent {fmt.dateTime(n.lastSentAt)}</span> : null}
              </span>
              <button type="button" className="btn secondary" onClick={() => void act(`Test sent to ${n.name}`, () => call('notifiers.test', { name: n.name }))}>
                Send test
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="hint" data-testid="leadership" data-leadership={who}>
        {who === 'this'
          ? 'This app sends the once-only notifications (Discord) for this database.'
          : who === 'other'
            ? 'Another R.O.M.A.N. app is the leader for this database: it sends the Discord notifications; this one notifies this desktop only.'
            : 'Leadership is unknown: the database cannot be reached, so this app cannot tell whether another R.O.M.A.N. app sends the Discord notifications. This one notifies this desktop only until the database answers.'}
      </p>
    </section>
  );
}

function SilencesCard({ silences, act, now }: { silences: Silence[]; act: Act; now: number }) {
  return (
    <section className="card" aria-labelledby="silences-h" data-testid="silences">
      <h2 id="silences-h">Active silences</h2>
      {silences.length === 0 ? (
        <p className="muted">No active silences.</p>
      ) : (
        <ul className="dash-list">
          {silences.map((s) => (
            <li key={s.id} data-testid="silence" data-id={s.id}>
              <span>
                {s.matchers.map((m) => (
                  <code key={`${m.name}${m.value}`} className="label-chip">
                    {matcherText(m)}
                  </code>
                ))}
              </span>
              <span className="dash-message">
                “{s.comment}” — {s.createdBy}, until <When iso={s.endsAt} now={now} />
              </span>
              <button type="button" className="btn secondary" onClick={() => void act('Silence expired', () => call('alerts.unsilence', { id: s.id }))}>
                Expire silence
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function HistoryTable({ history, titles }: { history: AlertTransition[]; titles: Map<string, string> }) {
  const rows = [...history].sort((a, b) => b.at.localeCompare(a.at));
  if (rows.length === 0) return <p className="muted">No transitions yet.</p>;
  return (
    <div className="dash-table-wrap">
      <table className="dash-table" data-testid="alert-history">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Alert</th>
            <th scope="col">Severity</th>
            <th scope="col">Transition</th>
            <th scope="col">Labels</th>
            <th scope="col">Value</th>
            <th scope="col">Summary</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={`${t.fingerprint}-${t.at}-${t.to}`} data-rule={t.rule} data-to={t.to}>
              <td>
                <time dateTime={t.at}>{fmt.dateTime(t.at)}</time>
              </td>
              <td>{titles.get(t.rule) ?? t.rule}</td>
              <td>
                <span className={`pill ${t.severity}`}>{t.severity}</span>
              </td>
              <td>
                {t.from} → <strong>{t.to}</strong>
              </td>
              <td>
                <Labels labels={t.labels} />
              </td>
              <td>{formatValue(t.rule, t.value)}</td>
              <td>{t.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

function titlesOf(list: AlertsListOutput): Map<string, string> {
  const titles = new Map<string, string>();
  for (const a of [...list.firing, ...list.pending, ...list.silenced, ...list.resolved]) titles.set(a.rule, a.title);
  return titles;
}

export function AlertsPage() {
  const load = useCallback(() => call('alerts.list', {}), []);
  const live = useLiveData(load, { intervalMs: REFRESH_EVERY_MS, events: ['alerts.changed'], recoverOn: ['workspace.changed'], minGapMs: 400 });
  const now = useNow(5000);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const { refresh } = live;

  const act: Act = useCallback(
    async (label, run) => {
      try {
        await run();
        setNotice({ ok: true, text: `${label}.` });
        refresh();
        return true;
      } catch (err) {
        setNotice({ ok: false, text: errorText(err) });
        return false;
      }
    },
    [refresh],
  );

  const list = live.data;
  const workspace = useWorkspace();
  // Quiet is not the same as healthy: say so when the rules cannot read the database.
  const unreachable =
    workspace?.open === true && workspace.connection !== 'connected' && (workspace.offlineSince !== null || workspace.connection === 'down' || workspace.connection === 'reconnecting');
  const byFingerprint = new Map<string, string>();
  for (const a of list ? [...list.firing, ...list.pending, ...list.silenced, ...list.resolved] : []) byFingerprint.set(a.fingerprint, a.title);
  const titleOf = (fingerprint: string) => byFingerprint.get(fingerprint) ?? fingerprint;
  return (
    <div className="alerts-page">
      <header className="row dash-header">
        <div>
          <h1>Alerts</h1>
          <p className="subtitle">
            The manual&apos;s alert rules, evaluated on a schedule: pending → firing → resolved.{' '}
            {list ? (
              <span data-testid="alerts-evaluated">{list.evaluatedAt ? `Last evaluation ${fmt.clock(list.evaluatedAt)}.` : 'Not evaluated yet.'}</span>
            ) : null}
          </p>
        </div>
        <button type="button" className="btn secondary" onClick={refresh}>
          Refresh
        </button>
      </header>
      {unreachable ? (
        <p className="error" role="alert" data-testid="alerts-db-unreachable">
          The database does not answer{workspace.offlineSince ? ` since ${fmt.dateTime(workspace.offlineSince)}` : ''}: the rules cannot be evaluated, so
          the alerts below are as of the last evaluation{list?.evaluatedAt ? ` (${fmt.clock(list.evaluatedAt)})` : ''} and new incidents cannot show up.
          {workspace.lastError ? ` ${workspace.lastError}` : ''}
        </p>
      ) : null}
      {live.error && /is starting; try again/i.test(live.error.message) ? (
        <p className="banner-note" role="status">
          Connecting to the database… {live.error.message}
        </p>
      ) : live.error ? (
        <div className="error dash-error" role="alert" data-testid="alerts-error">
          <strong>{list ? 'Alerts could not be refreshed' : 'Alerts are unavailable'}</strong>
          <div>{live.error.message}</div>
        </div>
      ) : null}
      {notice ? (
        <p className={notice.ok ? 'banner-note' : 'error'} role={notice.ok ? 'status' : 'alert'} data-testid="alerts-notice">
          {notice.text}
        </p>
      ) : null}
      {live.loading ? (
        <p className="muted" aria-busy="true">
          Loading alerts…
        </p>
      ) : null}
      {list ? (
        <div className="alerts-layout">
          <div className="alerts-main">
            {list.ruleErrors.length > 0 ? (
              <p className="error" role="alert" data-testid="alerts-rules-unevaluated">
                {list.ruleErrors.length === (list.ruleCount ?? list.ruleErrors.length)
                  ? `Rules cannot be evaluated: all ${list.ruleErrors.length} rules failed, so nothing is known about alerts (${list.ruleErrors[0].error}).`
                  : `${list.ruleErrors.length} of ${list.ruleCount ?? '?'} rules cannot be evaluated; alerts of ${list.ruleErrors.map((r) => r.rule).join(', ')} cannot show up. See Rule errors.`}
              </p>
            ) : null}
            <AlertSection
              id="firing"
              title="🔥 Firing"
              alerts={list.firing}
              empty={
                list.evaluatedAt === null
                  ? 'Not evaluated yet: nothing is known about alerts.'
                  : list.ruleErrors.length > 0 && list.ruleErrors.length === (list.ruleCount ?? list.ruleErrors.length)
                    ? 'Unknown: no rule could be evaluated.'
                    : list.ruleErrors.length > 0
                      ? 'Nothing is firing among the rules that could be evaluated.'
                      : 'Nothing is firing.'
              }
              act={act}
              now={now}
              titleOf={titleOf}
            />
            <AlertSection id="pending" title="⏳ Pending" alerts={list.pending} empty="Nothing is pending." act={act} now={now} titleOf={titleOf} />
            <AlertSection id="silenced" title="🔕 Silenced" alerts={list.silenced} empty="No alert is silenced or inhibited." act={act} now={now} titleOf={titleOf} />
            <section className="alert-section" aria-labelledby="resolved-h" data-testid="section-resolved">
              <h2 id="resolved-h">
                ✅ Resolved / History <span className="pill">{list.resolved.length}</span>
              </h2>
              {list.resolved.length === 0 ? (
                <p className="muted">Nothing resolved in the last 15 minutes.</p>
              ) : (
                <div className="alert-list">
                  {[...list.resolved]
                    .sort((a, b) => (b.endsAt ?? '').localeCompare(a.endsAt ?? ''))
                    .map((a) => (
                      <AlertCard key={a.fingerprint} alert={a} act={act} now={now} titleOf={titleOf} />
                    ))}
                </div>
              )}
              <h3 className="dash-subhead">Transitions (newest first)</h3>
              <HistoryTable history={list.history} titles={titlesOf(list)} />
            </section>
          </div>
          <aside className="alerts-side">
            <NotifiersCard notifiers={list.notifiers} act={act} leader={list.leader} leadership={list.leadership} />
            <SilencesCard silences={list.silences} act={act} now={now} />
            <section className="card" aria-labelledby="rule-errors-h" data-testid="rule-errors">
              <h2 id="rule-errors-h">Rule errors</h2>
              {list.ruleErrors.length === 0 ? (
                <p className="muted">Every rule was evaluated.</p>
              ) : (
                <ul className="dash-list">
                  {list.ruleErrors.map((r) => (
                    <li key={r.rule}>
                      <code>{r.rule}</code>
                      <span className="dash-message error-text">{r.error}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </aside>
        </div>
      ) : null}
    </div>
  );
}
