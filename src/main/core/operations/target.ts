/**
 * Which database a connection reaches: the server (its system identifier when readable, else its
 * address and port) and the database name. A grant is bound to this pair.
 */
import type pg from 'pg';

export interface DatabaseTarget {
  server: string;
  database: string;
  serverVersionNum: number;
}

export async function identifyTarget(c: pg.ClientBase | pg.Pool): Promise<DatabaseTarget> {
  const r = await c.query<{ db: string; addr: string | null; port: string; v: string }>(
    `select current_database() as db, host(inet_server_addr()) as addr, current_setting('port') as port,
            current_setting('server_version_num') as v`,
  );
  let server = `${r.rows[0].addr ?? 'local'}:${r.rows[0].port}`;
  try {
    const id = await c.query<{ id: string }>('select system_identifier::text as id from pg_control_system()');
    if (id.rows[0]?.id) server = `pg:${id.rows[0].id}`;
  } catch {
    // pg_control_system() is not readable for this role: the address identifies the server
  }
  return { server, database: r.rows[0].db, serverVersionNum: Number(r.rows[0].v) };
}
