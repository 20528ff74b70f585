/**
 * What an audit lint is (splinter's pattern): one module per lint holding its SQL and metadata.
 * The SQL returns one row per finding with four columns — `detail`, `remediation` (the SQL that
 * fixes it), `metadata` (jsonb) and `cache_key` — and the runner adds the lint's name, title,
 * level, facing, categories and description, so every finding has splinter's ten columns.
 *
 * Shared SQL fragments: what counts as R.O.M.A.N.'s own or a system object, and when a relation is
 * exposed to the API (the Supabase roles anon/authenticated, or PUBLIC, can use its schema and read
 * or write it).
 */
import type { AuditLevel } from '../../../shared/audit';

export interface Lint {
  name: string;
  title: string;
  level: AuditLevel;
  facing: 'EXTERNAL' | 'INTERNAL';
  categories: string[];
  description: string;
  /** Runs only when Supabase's auth/storage schemas and anon/authenticated roles exist. */
  supabaseOnly?: boolean;
  sql: string;
}

/** Schemas that are never audited: the system's, R.O.M.A.N.'s `ops`, and Supabase's managed ones. */
export const SKIP_SCHEMAS = [
  'pg_catalog',
  'information_schema',
  'pg_toast',
  'ops',
  'auth',
  'storage',
  'realtime',
  'supabase_functions',
  'supabase_migrations',
  'extensions',
  'graphql',
  'graphql_public',
  'pgsodium',
  'pgsodium_masks',
  'vault',
  'net',
  'cron',
  'pgbouncer',
  '_realtime',
  '_analytics',
];

/** `<col> NOT IN (…skipped schemas…) AND <col> NOT LIKE 'pg\_temp%'` */
export function audited(schemaColumn: string): string {
  return `${schemaColumn} NOT IN (${SKIP_SCHEMAS.map((s) => `'${s}'`).join(', ')}) AND ${schemaColumn} NOT LIKE 'pg\\_temp%' AND ${schemaColumn} NOT LIKE 'pg\\_toast%'`;
}

/**
 * SQL boolean: relation `c` (pg_class) in namespace `n` (pg_namespace) is exposed to the API — the
 * anon or authenticated role (when they exist) has USAGE on the schema and a table privilege, or
 * PUBLIC has both.
 */
export function exposed(c = 'c', n = 'n'): string {
  return `(EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname IN ('anon', 'authenticated')
                AND has_schema_privilege(r.oid, ${n}.oid, 'USAGE')
                AND has_table_privilege(r.oid, ${c}.oid, 'SELECT, INSERT, UPDATE, DELETE'))
        OR (EXISTS (SELECT 1 FROM aclexplode(COALESCE(${n}.nspacl, acldefault('n', ${n}.nspowner))) a WHERE a.grantee = 0 AND a.privilege_type = 'USAGE')
            AND EXISTS (SELECT 1 FROM aclexplode(COALESCE(${c}.relacl, acldefault('r', ${c}.relowner))) a
                         WHERE a.grantee = 0 AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE'))))`;
}

/** SQL text expression: the REVOKE target list (anon/authenticated with a direct grant, PUBLIC) of relation `c`. */
export function exposedTo(c = 'c'): string {
  return `(SELECT string_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, ', ')
             FROM aclexplode(COALESCE(${c}.relacl, acldefault('r', ${c}.relowner))) a
             LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
              AND (a.grantee = 0 OR r.rolname IN ('anon', 'authenticated')))`;
}

/** Does this database look like Supabase (auth + storage schemas, anon + authenticated roles)? */
export const SUPABASE_SQL = `SELECT to_regnamespace('auth') IS NOT NULL AND to_regnamespace('storage') IS NOT NULL
   AND (SELECT count(*) FROM pg_roles WHERE rolname IN ('anon', 'authenticated')) = 2 AS supabase`;

/** `quote_ident(schema) || '.' || quote_ident(name)` */
export function qname(schema: string, name: string): string {
  return `(quote_ident(${schema}) || '.' || quote_ident(${name}))`;
}
