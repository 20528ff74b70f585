/** Identifier quoting and catalog lookups shared by the executors. */
import type pg from 'pg';
import { DomainError } from '../../../../shared/result';

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function quoteLiteral(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

export interface Relation {
  schema: string;
  name: string;
  oid: number;
  kind: string;
  /** "schema"."name" */
  sql: string;
}

/** Resolves "schema.name" or "name" (search_path) to a relation of one of the kinds, or fails clearly. */
export async function resolveRelation(c: pg.ClientBase | pg.Pool, qualified: string, kinds: string[], what: string): Promise<Relation> {
  const parts = qualified.split('.');
  const [schema, name] = parts.length === 2 ? parts : [null, parts[0]];
  const r = await c.query<{ schema: string; name: string; oid: number; kind: string }>(
    `select n.nspname as schema, c.relname as name, c.oid::int as oid, c.relkind::text as kind
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relname = $2 and (($1::text is null and n.nspname = any (current_schemas(false))) or n.nspname = $1)
      order by array_position(current_schemas(false), n.nspname::text) nulls last limit 1`,
    [schema, name],
  );
  const row = r.rows[0];
  if (!row) throw new DomainError('invalid_input', `${what} ${qualified} does not exist in this database`);
  if (!kinds.includes(row.kind)) throw new DomainError('invalid_input', `${qualified} is not a ${what}`);
  return { ...row, sql: `${quoteIdent(row.schema)}.${quoteIdent(row.name)}` };
}
