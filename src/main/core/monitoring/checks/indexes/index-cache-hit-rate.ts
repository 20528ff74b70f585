/** Share of index block reads served from shared buffers (PgHero: warn below 99 %). */
import { CACHE_MIN_BLOCKS, grade, num, pct, type HealthCheck } from '../../check';

export const indexCacheHitRate: HealthCheck = {
  key: 'indexes.index_cache_hit_rate',
  area: 'indexes',
  name: 'index_cache_hit_rate',
  title: 'Index cache hit rate',
  unit: 'ratio',
  remediation: `-- The working set does not fit in memory: raise shared_buffers (and the instance's RAM),
-- or drop unused indexes so the useful ones stay cached.
SHOW shared_buffers;`,
  threshold: (t) => ({ comparison: 'below', warning: t.cacheHitRateWarning, critical: null }),
  async run({ client, thresholds }) {
    const r = await client.query(
      `SELECT sum(idx_blks_hit) AS hit, sum(idx_blks_read) AS read FROM pg_statio_user_indexes`,
    );
    const hit = num(r.rows[0].hit) ?? 0;
    const read = num(r.rows[0].read) ?? 0;
    if (hit + read === 0) return { status: 'no_data', value: null, detail: 'No data: no index blocks read yet.' };
    const value = hit / (hit + read);
    if (hit + read < CACHE_MIN_BLOCKS) {
      return { status: 'no_data', value, detail: `No data to judge: ${pct(value)} over only ${hit + read} index block reads: too few to judge (< ${CACHE_MIN_BLOCKS}).` };
    }
    return { status: grade(value, this.threshold(thresholds)), value, detail: `${pct(value)} of index block reads came from the cache (${hit} hits, ${read} reads).` };
  },
};
