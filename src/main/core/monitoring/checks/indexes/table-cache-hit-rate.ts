/** Share of table block reads served from shared buffers (PgHero: warn below 99 %). */
import { CACHE_MIN_BLOCKS, grade, num, pct, type HealthCheck } from '../../check';

export const tableCacheHitRate: HealthCheck = {
  key: 'indexes.table_cache_hit_rate',
  area: 'indexes',
  name: 'table_cache_hit_rate',
  title: 'Table cache hit rate',
  unit: 'ratio',
  remediation: `-- The working set does not fit in memory: raise shared_buffers (and the instance's RAM),
-- and look for sequential scans on big tables (indexes.seq_scans).
SHOW shared_buffers;`,
  threshold: (t) => ({ comparison: 'below', warning: t.cacheHitRateWarning, critical: null }),
  async run({ client, thresholds }) {
    const r = await client.query(`SELECT sum(heap_blks_hit) AS hit, sum(heap_blks_read) AS read FROM pg_statio_user_tables`);
    const hit = num(r.rows[0].hit) ?? 0;
    const read = num(r.rows[0].read) ?? 0;
    if (hit + read === 0) return { status: 'no_data', value: null, detail: 'No data: no table blocks read yet.' };
    const value = hit / (hit + read);
    if (hit + read < CACHE_MIN_BLOCKS) {
      return { status: 'no_data', value, detail: `No data to judge: ${pct(value)} over only ${hit + read} table block reads: too few to judge (< ${CACHE_MIN_BLOCKS}).` };
    }
    return { status: grade(value, this.threshold(thresholds)), value, detail: `${pct(value)} of table block reads came from the cache (${hit} hits, ${read} reads).` };
  },
};
