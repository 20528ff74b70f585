/**
 * Settings → Maintenance runbooks: the cron schedules (croner syntax) and their IANA time zone
 * (the manual's America/New_York by default), which runbooks are enabled, whether this app runs
 * them on schedule (the standing approval of their non-destructive steps) and the project folder
 * for `npm outdated`. Bad values are refused with the reason and nothing is saved.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { RUNBOOKS, type RunbookSchedules } from '../../../../shared/runbooks';
import type { RunbookSettings } from '../../../../shared/api/runbooks';
import { errorText } from '../triage/PlaybookPanel';

export function RunbookSchedulesCard() {
  const [s, setS] = useState<RunbookSettings | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    call('runbooks.settings', {}).then(setS, (err: unknown) => setNotice({ ok: false, text: errorText(err) }));
  }, []);
  if (!s) return notice ? <p className="error">{notice.text}</p> : null;
  const setSchedule = (rb: (typeof RUNBOOKS)[number], patch: Partial<RunbookSchedules['weekly']>) => setS({ ...s, schedules: { ...s.schedules, [rb]: { ...s.schedules[rb], ...patch } } });
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      setS(await call('runbooks.setSettings', s!));
      setNotice({ ok: true, text: 'Runbook schedules saved.' });
    } catch (err) {
      setNotice({ ok: false, text: errorText(err) });
    }
  }
  return (
    <section className="card" aria-label="Maintenance runbooks" data-testid="runbook-settings">
      <h2>Maintenance runbooks</h2>
      <form onSubmit={(e) => void save(e)}>
        <label>
          Time zone (IANA){' '}
          <input value={s.schedules.timeZone} onChange={(e) => setS({ ...s, schedules: { ...s.schedules, timeZone: e.target.value } })} aria-label="Runbook time zone" />
        </label>
        {RUNBOOKS.map((rb) => (
          <div key={rb} className="row">
            <label>
              <input type="checkbox" checked={s.schedules[rb].enabled} onChange={(e) => setSchedule(rb, { enabled: e.target.checked })} /> {rb}
            </label>
            <input value={s.schedules[rb].cron} onChange={(e) => setSchedule(rb, { cron: e.target.value })} aria-label={`${rb} schedule (cron)`} />
          </div>
        ))}
        <label>
          <input type="checkbox" checked={s.autoRun} onChange={(e) => setS({ ...s, autoRun: e.target.checked })} /> Run on schedule in this app (missed windows run once at the next launch or wake)
        </label>
        <label>
          Project folder (npm outdated){' '}
          <input value={s.projectDir ?? ''} onChange={(e) => setS({ ...s, projectDir: e.target.value || null })} aria-label="Project folder" />
        </label>
        <button type="submit" className="btn">
          Save runbook schedules
        </button>
      </form>
      {notice ? (
        <p className={notice.ok ? 'muted' : 'error'} role={notice.ok ? 'status' : 'alert'}>
          {notice.text}
        </p>
      ) : null}
    </section>
  );
}
