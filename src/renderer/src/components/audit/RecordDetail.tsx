/** Detail panel of one cached record: every field and its metadata as pretty-printed JSON. */
import { useEffect, useState } from 'react';
import { call, CallError } from '../../api';
import type { StoredRecordDetail } from '../../../../shared/store';
import { formatLocalTime } from './format';

export function RecordDetail({ id, onClose }: { id: number; onClose: () => void }) {
  const [state, setState] = useState<{ id: number; record: StoredRecordDetail | null; error: string | null } | null>(null);

  useEffect(() => {
    let cancelled = false;
    call('store.record', { id }).then(
      (record) => {
        if (!cancelled) setState({ id, record, error: null });
      },
      (err: unknown) => {
        if (!cancelled) setState({ id, record: null, error: err instanceof CallError ? err.error.message : String(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const current = state && state.id === id ? state : null;
  const r = current?.record ?? null;
  return (
    <aside className="card audit-detail" aria-label="Record detail" data-testid="record-detail">
      <div className="row audit-detail-head">
        <h2>Record #{id}</h2>
        <button type="button" className="btn secondary" onClick={onClose} aria-label="Close detail">
          Close
        </button>
      </div>
      {current === null ? <p className="muted">Loading…</p> : null}
      {current?.error ? (
        <p className="error" role="alert">
          {current.error}
        </p>
      ) : null}
      {r ? (
        <>
          <p className="audit-detail-message">{r.message || <span className="muted">(no message)</span>}</p>
          <dl className="kv">
            <dt>Time (local)</dt>
            <dd>{formatLocalTime(r.timestamp)}</dd>
            <dt>Time (UTC)</dt>
            <dd>{r.timestamp}</dd>
            <dt>Kind</dt>
            <dd>{r.kind}</dd>
            <dt>Severity</dt>
            <dd>{r.severity ? <span className={`pill ${r.severity}`}>{r.severity}</span> : '–'}</dd>
            <dt>Source</dt>
            <dd>{r.source ?? '–'}</dd>
            <dt>Type</dt>
            <dd>{r.type ?? '–'}</dd>
            <dt>Origin</dt>
            <dd>{r.origin === 'remote' ? 'remote (synced from the database)' : 'local (recorded by this desktop)'}</dd>
            <dt>Remote row</dt>
            <dd>{r.remoteTable ? `${r.remoteTable} #${r.remoteId ?? '?'}` : '–'}</dd>
            <dt>Audit chain</dt>
            <dd>{r.chainSeq !== null ? `entry ${r.chainSeq}` : 'not chained'}</dd>
            <dt>Local id</dt>
            <dd>{r.id}</dd>
          </dl>
          <h2 className="audit-detail-sub">Metadata</h2>
          <pre data-testid="record-metadata">{JSON.stringify(r.metadata, null, 2)}</pre>
        </>
      ) : null}
    </aside>
  );
}
