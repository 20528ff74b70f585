/** 0023 sensitive_columns_exposed: an exposed table without RLS holding columns named like secrets or personal data. */
import { audited, exposed, type Lint } from '../lint';

/** Column names (lower case, exact) treated as sensitive. */
export const SENSITIVE_COLUMNS = [
  'password', 'password_hash', 'passwd', 'pwd', 'secret', 'secret_key', 'api_key', 'apikey', 'access_token',
  'refresh_token', 'token', 'auth_token', 'private_key', 'ssn', 'social_security_number', 'credit_card',
  'credit_card_number', 'card_number', 'cvv', 'cvc', 'iban', 'bank_account', 'account_number', 'tax_id',
  'passport_number', 'drivers_license', 'date_of_birth', 'dob', 'pin',
];

export const sensitiveColumnsExposed: Lint = {
  name: 'sensitive_columns_exposed',
  title: 'Sensitive columns exposed',
  level: 'ERROR',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'A table the API roles or PUBLIC can reach, without row level security, has columns that look like secrets or personal data.',
  sql: `
SELECT format('Table %I.%I is exposed without RLS and has sensitive columns: %s.', n.nspname, c.relname, cols.names) AS detail,
       format(E'ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY;\\n-- and keep secrets out of reach: REVOKE SELECT (%s) ON %I.%I FROM PUBLIC;', n.nspname, c.relname, cols.names, n.nspname, c.relname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table', 'columns', cols.list) AS metadata,
       format('sensitive_columns_exposed_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL (
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS names, jsonb_agg(a.attname ORDER BY a.attnum) AS list
      FROM pg_attribute a
     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       AND lower(a.attname) IN (${SENSITIVE_COLUMNS.map((x) => `'${x}'`).join(', ')})) cols
 WHERE c.relkind IN ('r', 'p') AND NOT c.relrowsecurity AND cols.names IS NOT NULL AND ${audited('n.nspname')} AND ${exposed()}`,
};
