import type pg from 'pg';

export interface TrafficShape {
  /** Log rows per minute. */
  perMinute: number;
  /** Fraction of them with severity error. */
  errorShare: number;
  /** Fraction of requests that fail (status 500). */
  failShare: number;
  /** Latency of requests in ms (a spread of ±10 % around it). */
  latencyMs: number;
}

/** Writes realistic request logs for minutes [fromMin, toMin) relative to `t0` (one INSERT). */
export async function plantTraffic(pool: pg.Pool, t0: Date, fromMin: number, toMin: number, shape: TrafficShape): Promise<void> {
  await pool.query(
    `INSERT INTO public.system_logs ("timestamp", severity, source, message, metadata)
     SELECT $1::timestamptz + (m * interval '1 minute') + (i * (interval '1 minute' / $4)),
            CASE WHEN (((m + 100000) * $4 + i) * 37 % 1000) < $5::float8 * 1000 THEN 'error' ELSE 'info' END,
            'api',
            CASE WHEN (((m + 100000) * $4 + i) * 37 % 1000) < $5::float8 * 1000 THEN 'Request failed: upstream error' ELSE 'GET /api/items' END,
            jsonb_build_object('status', CASE WHEN (((m + 100000) * $4 + i) * 53 % 1000) < $6::float8 * 1000 THEN 500 ELSE 200 END,
                               'latency_ms', round($7::float8 * (0.9 + 0.2 * ((i * 13) % 100) / 100.0)))
       FROM generate_series($2::int, $3::int - 1) AS m, generate_series(0, $4::int - 1) AS i`,
    [t0, fromMin, toMin, shape.perMinute, shape.errorShare, shape.failShare, shape.latencyMs],
  );
}
