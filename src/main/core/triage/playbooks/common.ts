/** Helpers shared by the playbooks: checks that fail closed, and the tables they read. */
import type { CheckStatus, PlaybookCheckResult } from '../../../../shared/triage';
import type { Queryable } from '../../alerts/rule';

/** Runs a check; a query that fails makes the check "unknown" with the reason, never "ok". */
export async function runCheck(
  id: string,
  title: string,
  fn: () => Promise<{ status: CheckStatus; detail: string; value?: number | string | null }>,
): Promise<PlaybookCheckResult> {
  try {
    const r = await fn();
    return { id, title, ...r };
  } catch (err) {
    return { id, title, status: 'unknown', detail: `could not check: ${err instanceof Error ? err.message : String(err)}`, value: null };
  }
}

export async function relationExists(db: Queryable, name: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
  return r.rows[0]?.ok === true;
}

/** Count of rows of a query that returns one `n` column. */
export async function countOf(db: Queryable, sql: string, params: unknown[]): Promise<number> {
  const r = await db.query<{ n: string | number }>(sql, params);
  return Number(r.rows[0]?.n ?? 0);
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A metadata text value that is safe to show and to use as a parameter. */
export const SAFE_TEXT = `'^[A-Za-z0-9_.:/@ -]{1,200}$'`;
