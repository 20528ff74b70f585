/** The system entropy gauge of the Law of Total Coherence (from the overview's health panel). */
import { ENTROPY_STABLE_MAX, formatAge, type EntropyReading, type HealthOverviewPanel, type Panel } from '../../../../shared/monitoring';
import { Gauge, fmt } from '../charts';
import { PanelBody } from './common';

export function EntropyCard({ panel, loading, staleAt }: { panel: Panel<HealthOverviewPanel> | undefined; loading: boolean; staleAt: number | null }) {
  return (
    <section className="card dash-panel" aria-labelledby="entropy-h" data-testid="entropy-card">
      <h2 id="entropy-h">
        <span aria-hidden="true">🌀</span> System entropy
      </h2>
      <PanelBody panel={panel} loading={loading}>
        {(data) => (data.entropy ? <EntropyView reading={data.entropy} staleAt={staleAt} /> : <p className="dash-unavailable">unavailable: {data.entropyNote ?? 'no reading'}</p>)}
      </PanelBody>
    </section>
  );
}

function EntropyView({ reading, staleAt }: { reading: EntropyReading; staleAt: number | null }) {
  const stable = reading.entropy <= ENTROPY_STABLE_MAX;
  const noData = reading.data === 'no_data';
  const stale = staleAt !== null;
  // Fail closed: no data is not STABLE, and a reading of a database that stopped answering is stale.
  const label = noData ? 'NO DATA' : stale ? `STALE — ${stable ? 'STABLE' : 'UNSTABLE'} ${formatAge(Math.max(0, staleAt - new Date(reading.measuredAt).getTime()))} ago` : stable ? 'STABLE' : 'UNSTABLE';
  const pill = noData || stale ? 'unavailable' : stable ? 'ok' : 'critical';
  return (
    <div className="entropy" data-testid="entropy-gauge" data-stable={noData ? 'no_data' : stable} data-state={noData ? 'no_data' : stale ? 'stale' : 'live'}>
      <Gauge
        title="System entropy (Law of Total Coherence)"
        value={reading.entropy}
        threshold={ENTROPY_STABLE_MAX}
        label={label}
        tone={noData || stale ? 'unknown' : stable ? 'ok' : 'bad'}
      />
      <div className="entropy-readout">
        <span className="entropy-value" data-testid="entropy-value">
          {noData ? 'No data' : fmt.percent1(reading.entropy)}
        </span>
        <span className={`pill ${pill} entropy-label`} data-testid="entropy-label">
          {label}
        </span>
      </div>
      <p className="hint" data-testid="entropy-window">
        (error rate + failure rate + latency spikes) ÷ 3 over the last {reading.window.minutes} minutes, measured at {fmt.clock(reading.measuredAt)}; stable at ≤ {fmt.percent1(ENTROPY_STABLE_MAX)}.
        {noData ? ' Nothing was logged and no request was made in that window: there is nothing to measure, which is not the same as healthy.' : ''}
      </p>
      <dl className="kv entropy-terms" data-testid="entropy-terms">
        <dt>Error rate</dt>
        <dd title={`${reading.counts.errorLogs} error/critical of ${reading.counts.logs} log rows`}>
          {fmt.percent1(reading.errorRate)} <span className="muted">({reading.counts.errorLogs}/{reading.counts.logs} logs)</span>
        </dd>
        <dt>Failure rate</dt>
        <dd title={`${reading.counts.failedRequests} failed of ${reading.counts.requests} requests`}>
          {fmt.percent1(reading.failureRate)} <span className="muted">({reading.counts.failedRequests}/{reading.counts.requests} requests)</span>
        </dd>
        <dt>Latency spikes</dt>
        <dd title={`${reading.counts.slowRequests} of ${reading.counts.timedRequests} timed requests slower than 2 s`}>
          {fmt.percent1(reading.latencySpikes)} <span className="muted">({reading.counts.slowRequests}/{reading.counts.timedRequests} &gt; 2 s)</span>
        </dd>
      </dl>
      {reading.notes.length > 0 ? (
        <ul className="hint">
          {reading.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
