/**
 * Audit log: offline review of the local cache (capability 10). Full-text search and filters over
 * everything the app has seen, a windowed table fetched page by page with the keyset cursor (only
 * the rows on screen are in the DOM; nothing is loaded up front), a detail panel, CSV / JSON Lines
 * export of the current filter, and verification of the hash-chained audit trail. It reads only
 * the cache, so it works while the database is unreachable.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call, CallError, subscribe } from '../api';
import { RECORD_KINDS, SEVERITIES, type AuditVerification, type CacheStatus, type RecordKind, type Severity, type StoredRecord } from '../../../shared/store';
import type { HandlerInput } from '../../../shared/api';
import type { WorkspaceStatus } from '../../../shared/workspace';
import { VirtualTable, type VirtualColumn } from '../components/VirtualTable';
import { RecordDetail } from '../components/audit/RecordDetail';
import { ExportStatus, useExport } from '../components/audit/useExport';
import { formatBytes, formatCount, formatLocalTime, statusHeadline } from '../components/audit/format';
import '../audit.css';

const PAGE_SIZE = 200;

/** The filter part of a search / export request. */
type RecordFilter = Omit<HandlerInput<'store.export'>, 'format' | 'maxRows'>;

const KIND_LABELS: Record<RecordKind, string> = {
  event: 'Events',
  log: 'Logs',
  decision: 'Decisions',
  alert: 'Alerts',
  audit_report: 'Audit reports',
  action: 'Actions',
};

const RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: 'all', label: 'All time', ms: null },
] as const;
type RangeId = (typeof RANGES)[number]['id'];

interface Filters {
  text: string;
  kind: RecordKind | '';
  severity: Severity[];
  source: string;
  type: string;
  range: RangeId;
}

const NO_FILTERS: Filters = { text: '', kind: '', severity: [], source: '', type: '', range: 'all' };

/** The filter as sent to the core; `since` is fixed when the query starts so every page agrees. */
function toRecordFilter(f: Filters, now: number): RecordFilter {
  const out: RecordFilter = {};
  if (f.text.trim()) out.text = f.text.trim();
  if (f.kind) out.kind = f.kind;
  if (f.severity.length) out.severity = f.severity;
  if (f.source.trim()) out.source = f.source.trim();
  if (f.type.trim()) out.type = f.type.trim();
  const range = RANGES.find((r) => r.id === f.range);
  if (range?.ms) out.since = now - range.ms;
  return out;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

function messageOf(err: unknown): string {
  return err instanceof CallError ? err.error.message : err instanceof Error ? err.message : String(err);
}

interface Listing {
  /** Which query these rows answer. */
  key: string;
  filter: RecordFilter;
  rows: StoredRecord[];
  cursor: string | null;
  loadingMore: boolean;
  error: string | null;
}

const COLUMNS: VirtualColumn<StoredRecord>[] = [
  { id: 'time', header: 'Time', width: '150px', render: (r) => <span title={r.timestamp}>{formatLocalTime(r.timestamp)}</span> },
  { id: 'kind', header: 'Kind', width: '80px', render: (r) => r.kind },
  {
    id: 'severity',
    header: 'Severity',
    width: '84px',
    render: (r) => (r.severity ? <span className={`pill ${r.severity}`}>{r.severity}</span> : <span className="muted">–</span>),
  },
  { id: 'source', header: 'Source', width: 'minmax(70px, 0.6fr)', render: (r) => <span title={r.source ?? ''}>{r.source ?? '–'}</span> },
  { id: 'type', header: 'Type', width: 'minmax(70px, 0.6fr)', render: (r) => <span title={r.type ?? ''}>{r.type ?? '–'}</span> },
  { id: 'message', header: 'Message', width: 'minmax(160px, 3fr)', render: (r) => <span title={r.message}>{r.message}</span> },
];

function StatusLine({ status, workspace, error, now }: { status: CacheStatus | null; workspace: WorkspaceStatus | null; error: string | null; now: number }) {
  if (error) {
    return (
      <p className="error audit-status" role="alert" data-testid="cache-status">
        Local cache unavailable: {error}
      </p>
    );
  }
  if (!status) {
    return (
      <p className="audit-status muted" data-testid="cache-status">
        Reading the local cache…
      </p>
    );
  }
  const head = statusHeadline(status, workspace, now);
  return (
    <div className={`audit-status tone-${head.tone}`} data-testid="cache-status" role="status">
      <strong data-testid="connection-status">{head.text}</strong>
      {workspace?.name ? (
        <span>
          {workspace.name}
          {workspace.target ? <code className="audit-target"> {workspace.target}</code> : null}
        </span>
      ) : null}
      <span data-testid="cache-rows">
        {formatCount(status.rows)} cached record{status.rows === 1 ? '' : 's'} · {formatBytes(status.sizeBytes)}
      </span>
      {status.outboxPending > 0 ? <span className="pill warning">{formatCount(status.outboxPending)} waiting to be sent</span> : null}
      <span className="hint" title={status.path}>
        {status.oldest && status.newest ? `${formatLocalTime(status.oldest)} → ${formatLocalTime(status.newest)}` : 'empty'}
      </span>
      {head.detail ? (
        <span className="hint audit-status-detail" data-testid="connection-error">
          {head.detail}
        </span>
      ) : null}
    </div>
  );
}

function VerificationView({ result }: { result: AuditVerification }) {
  if (result.valid) {
    return (
      <div className="audit-verify ok" data-testid="audit-verification" data-valid="true" role="status">
        <strong>Audit trail valid</strong> — {formatCount(result.entries)} chained entr{result.entries === 1 ? 'y' : 'ies'}
        {result.headSeq !== null ? `, head #${result.headSeq}` : ''}
        {result.headHash ? <code className="audit-hash"> {result.headHash.slice(0, 16)}…</code> : null}
      </div>
    );
  }
  return (
    <div className="audit-verify bad" data-testid="audit-verification" data-valid="false" role="alert">
      <strong>Audit trail BROKEN</strong> — {result.problems.length} problem{result.problems.length === 1 ? '' : 's'} in {formatCount(result.entries)} entries:
      <ul>
        {result.problems.slice(0, 50).map((p) => (
          <li key={`${p.seq}-${p.problem}`} data-testid="audit-problem" data-seq={p.seq}>
            entry #{p.seq}: <strong>{p.problem.replace(/_/g, ' ')}</strong> — {p.detail}
          </li>
        ))}
      </ul>
      {result.problems.length > 50 ? <p className="hint">…and {result.problems.length - 50} more (run `roman audit-log verify` for all).</p> : null}
    </div>
  );
}

export function AuditLogPage() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const text = useDebounced(filters.text, 250);
  const source = useDebounced(filters.source, 300);
  const type = useDebounced(filters.type, 300);
  const [reloadToken, setReloadToken] = useState(0);
  // Kind, severity and range apply at once; typed fields after a short pause.
  const effective = useMemo<Filters>(
    () => ({ text, kind: filters.kind, severity: filters.severity, source, type, range: filters.range }),
    [text, filters.kind, filters.severity, source, type, filters.range],
  );
  const queryKey = JSON.stringify([effective, reloadToken]);

  const [listing, setListing] = useState<Listing | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [status, setStatus] = useState<CacheStatus | null>(null);
  const [workspace, setWorkspace] = useState<WorkspaceStatus | null>(null);
  const workspaceKey = useRef<string | null>(null);
  const [statusError, setStatusError] = useState<string | null>(null);
  const [statusAt, setStatusAt] = useState(0);
  const [changed, setChanged] = useState(false);
  const [atTop, setAtTop] = useState(true);
  const following = useRef(true);
  useEffect(() => {
    following.current = atTop && selectedId === null;
  }, [atTop, selectedId]);
  const exporter = useExport();
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);

  const refreshStatus = useCallback(() => {
    call('store.status', {}).then(
      (s) => {
        setStatus(s);
        setStatusError(null);
        setStatusAt(Date.now());
      },
      (err: unknown) => setStatusError(messageOf(err)),
    );
  }, []);

  useEffect(() => {
    // Another cache (a different workspace, or one that finished opening): start the list over.
    const onWorkspace = (ws: WorkspaceStatus) => {
      setWorkspace(ws);
      const key = ws.open ? `${ws.kind}:${ws.id}` : null;
      if (workspaceKey.current !== null && key !== workspaceKey.current) {
        setSelectedId(null);
        setChanged(false);
        setReloadToken((t) => t + 1);
      }
      workspaceKey.current = key ?? '';
      refreshStatus();
    };
    refreshStatus();
    call('workspace.status', {}).then(onWorkspace, () => setWorkspace(null));
    const timer = setInterval(refreshStatus, 30_000);
    // Sync can add records many times a second; counting a large cache costs ~0.1 s, so the
    // status follows at most every 5 s (with a trailing refresh after a burst).
    let lastRefresh = 0;
    let trailing: ReturnType<typeof setTimeout> | null = null;
    // A reader at the top of the list with no record open is following it: the list shows new
    // records by itself (a live tail, e.g. during the first sync). Anyone else gets a button.
    const onCacheChanged = () => {
      lastRefresh = Date.now();
      refreshStatus();
      if (following.current) {
        setChanged(false);
        setReloadToken((t) => t + 1);
      }
    };
    const offStore = subscribe('store.changed', () => {
      if (!following.current) setChanged(true);
      const wait = lastRefresh + 5_000 - Date.now();
      if (wait <= 0) onCacheChanged();
      else if (!trailing) {
        trailing = setTimeout(() => {
          trailing = null;
          onCacheChanged();
        }, wait);
      }
    });
    const offWorkspace = subscribe('workspace.changed', onWorkspace);
    return () => {
      clearInterval(timer);
      if (trailing) clearTimeout(trailing);
      offStore();
      offWorkspace();
    };
  }, [refreshStatus]);

  // First page of each query; older responses are dropped when the filter moved on.
  useEffect(() => {
    let cancelled = false;
    const filter = toRecordFilter(effective, Date.now());
    call('store.search', { ...filter, limit: PAGE_SIZE }).then(
      (page) => {
        if (!cancelled) setListing({ key: queryKey, filter, rows: page.rows, cursor: page.nextCursor, loadingMore: false, error: null });
      },
      (err: unknown) => {
        if (!cancelled) setListing({ key: queryKey, filter, rows: [], cursor: null, loadingMore: false, error: messageOf(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [effective, queryKey]);

  // The exact total, counted after the first page arrives (paging never waits for it).
  const [total, setTotal] = useState<{ key: string; total: number | null; error: string | null } | null>(null);
  const firstPageKey = listing && listing.key === queryKey && !listing.error ? listing.key : null;
  const firstPageFilter = listing?.filter;
  useEffect(() => {
    if (firstPageKey === null || !firstPageFilter) return;
    let cancelled = false;
    call('store.count', firstPageFilter).then(
      (r) => {
        if (!cancelled) setTotal({ key: firstPageKey, total: r.total, error: null });
      },
      (err: unknown) => {
        if (!cancelled) setTotal({ key: firstPageKey, total: null, error: messageOf(err) });
      },
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the filter belongs to the key
  }, [firstPageKey]);

  const current = listing && listing.key === queryKey ? listing : null;
  const currentTotal = total && current && total.key === current.key ? total : null;
  const loadingFirst = current === null;

  const loadMore = useCallback(() => {
    if (!current || !current.cursor || current.loadingMore) return;
    const { key, filter, cursor } = current;
    setListing({ ...current, loadingMore: true });
    call('store.search', { ...filter, limit: PAGE_SIZE, cursor }).then(
      (page) =>
        setListing((prev) =>
          prev && prev.key === key && prev.cursor === cursor
            ? { ...prev, rows: prev.rows.concat(page.rows), cursor: page.nextCursor, loadingMore: false }
            : prev,
        ),
      (err: unknown) =>
        setListing((prev) => (prev && prev.key === key ? { ...prev, loadingMore: false, cursor: null, error: messageOf(err) } : prev)),
    );
  }, [current]);

  const setFilter = <K extends keyof Filters>(k: K, v: Filters[K]) => setFilters((f) => ({ ...f, [k]: v }));
  const toggleSeverity = (s: Severity) =>
    setFilters((f) => ({ ...f, severity: f.severity.includes(s) ? f.severity.filter((x) => x !== s) : [...f.severity, s] }));
  const filtered =
    filters.text !== '' || filters.kind !== '' || filters.severity.length > 0 || filters.source !== '' || filters.type !== '' || filters.range !== 'all';

  // The export streams exactly the list's filter (the same `since`) to a file the user chooses.
  function exportAs(format: 'csv' | 'jsonl') {
    if (current) void exporter.start(format, current.filter);
  }

  async function verify() {
    setVerifying(true);
    setVerifyError(null);
    setVerification(null);
    try {
      setVerification(await call('store.verifyAudit', {}));
    } catch (err) {
      setVerifyError(messageOf(err));
    } finally {
      setVerifying(false);
    }
  }

  const closeDetail = useCallback(() => setSelectedId(null), []);

  // The count line; while the same query reloads (following new records) the last line stays.
  const freshLabel = loadingFirst
    ? null
    : currentTotal?.total != null
      ? `${formatCount(currentTotal.total)} matching record${currentTotal.total === 1 ? '' : 's'}${current.cursor ? ` — ${formatCount(current.rows.length)} loaded, scroll for more` : ''}`
      : !current.cursor
        ? `${formatCount(current.rows.length)} matching record${current.rows.length === 1 ? '' : 's'}`
        : `${formatCount(current.rows.length)} loaded — counting matching records…${currentTotal?.error ? ` (count failed: ${currentTotal.error})` : ''}`;
  const [lastLabel, setLastLabel] = useState<{ filters: string; label: string } | null>(null);
  const filtersKey = JSON.stringify(effective);
  // Adjusting state during render, the React way (no effect, no extra commit).
  if (freshLabel !== null && (lastLabel?.label !== freshLabel || lastLabel.filters !== filtersKey)) setLastLabel({ filters: filtersKey, label: freshLabel });
  const countLabel = freshLabel ?? (lastLabel && lastLabel.filters === filtersKey ? lastLabel.label : 'Searching…');

  return (
    <div className="audit-page">
      <h1>Audit log</h1>
      <p className="subtitle">Everything this desktop has seen — events, logs, decisions, alerts — read from the local cache. Works with the database unreachable.</p>
      <StatusLine status={status} workspace={workspace} error={statusError} now={statusAt} />

      <div className="card audit-filters" role="search" aria-label="Filter the audit log">
        <div className="audit-filter-grid">
          <div className="audit-search">
            <label htmlFor="audit-text">Search</label>
            <input
              id="audit-text"
              type="search"
              value={filters.text}
              maxLength={1000}
              placeholder='Words (all must match), "a phrase", a OR b, -word, conn*, an IP or a decision id'
              onChange={(e) => setFilter('text', e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="audit-kind">Kind</label>
            <select id="audit-kind" value={filters.kind} onChange={(e) => setFilter('kind', e.target.value as RecordKind | '')}>
              <option value="">All kinds</option>
              {RECORD_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="audit-source">Source</label>
            <input id="audit-source" type="text" value={filters.source} maxLength={200} placeholder="exact, e.g. api" onChange={(e) => setFilter('source', e.target.value)} />
          </div>
          <div>
            <label htmlFor="audit-type">Type</label>
            <input id="audit-type" type="text" value={filters.type} maxLength={200} placeholder="exact, e.g. approval" onChange={(e) => setFilter('type', e.target.value)} />
          </div>
          <div>
            <label htmlFor="audit-range">Time range</label>
            <select id="audit-range" value={filters.range} onChange={(e) => setFilter('range', e.target.value as RangeId)}>
              {RANGES.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="row audit-filter-row">
          <fieldset className="audit-severity">
            <legend>Severity</legend>
            {SEVERITIES.map((s) => (
              <label key={s} className={filters.severity.includes(s) ? `audit-chip on ${s}` : 'audit-chip'}>
                <input type="checkbox" checked={filters.severity.includes(s)} onChange={() => toggleSeverity(s)} />
                {s}
              </label>
            ))}
          </fieldset>
          <button type="button" className="btn secondary" disabled={!filtered} onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </button>
          <span className="audit-spacer" />
          <button type="button" className="btn secondary" disabled={!current || exporter.busy} onClick={() => exportAs('csv')}>
            {exporter.busy && exporter.exp?.format === 'csv' ? 'Exporting…' : 'Export CSV'}
          </button>
          <button type="button" className="btn secondary" disabled={!current || exporter.busy} onClick={() => exportAs('jsonl')}>
            {exporter.busy && exporter.exp?.format === 'jsonl' ? 'Exporting…' : 'Export JSON lines'}
          </button>
          <button type="button" className="btn" disabled={verifying} onClick={() => void verify()}>
            {verifying ? 'Verifying…' : 'Verify audit trail'}
          </button>
        </div>
      </div>

      <ExportStatus exp={exporter.exp} />
      {verification ? <VerificationView result={verification} /> : null}
      {verifyError ? (
        <p className="error" role="alert" data-testid="verify-error">
          Verification failed: {verifyError}
        </p>
      ) : null}
      {current?.error ? (
        <p className="error" role="alert" data-testid="search-error">
          {current.error}
        </p>
      ) : null}

      <div className="row audit-count">
        <span data-testid="loaded-count">{countLabel}</span>
        {changed ? (
          <button
            type="button"
            className="btn secondary audit-new"
            onClick={() => {
              setChanged(false);
              setReloadToken((t) => t + 1);
            }}
          >
            New records cached — show them
          </button>
        ) : null}
      </div>

      <div className={selectedId !== null ? 'audit-body with-detail' : 'audit-body'}>
        <VirtualTable
          rows={current?.rows ?? listing?.rows ?? []}
          columns={COLUMNS}
          rowKey={(r) => r.id}
          ariaLabel="Cached records"
          hasMore={!!current?.cursor}
          loading={loadingFirst || !!current?.loadingMore}
          onEndReached={loadMore}
          onRowActivate={(r) => setSelectedId(r.id)}
          selectedKey={selectedId}
          resetKey={queryKey}
          testId="audit-table"
          onAtTopChange={setAtTop}
          empty={
            <p className="muted">
              {filtered ? 'No cached record matches these filters.' : 'The local cache is empty: records appear here once the app has synced with a database.'}
            </p>
          }
        />
        {selectedId !== null ? <RecordDetail id={selectedId} onClose={closeDetail} /> : null}
      </div>
    </div>
  );
}
