/** 0014 extension_in_public: extensions installed in the public schema put their objects in the API's namespace. */
import type { Lint } from '../lint';

export const extensionInPublic: Lint = {
  name: 'extension_in_public',
  title: 'Extension in public',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'Extensions installed in the public schema expose their functions and tables next to the application\'s, and complicate permissions. Move them to a dedicated schema.',
  sql: `
SELECT format('Extension %I is installed in the public schema.', e.extname) AS detail,
       CASE WHEN e.extrelocatable
            THEN format(E'CREATE SCHEMA IF NOT EXISTS extensions;\\nALTER EXTENSION %I SET SCHEMA extensions;', e.extname)
            ELSE format(E'-- %I is not relocatable: reinstall it in its own schema (drops its objects and what depends on them):\\nCREATE SCHEMA IF NOT EXISTS extensions;\\nDROP EXTENSION %I;\\nCREATE EXTENSION %I SCHEMA extensions;', e.extname, e.extname, e.extname) END AS remediation,
       jsonb_build_object('schema', 'public', 'name', e.extname, 'type', 'extension', 'relocatable', e.extrelocatable) AS metadata,
       format('extension_in_public_%s', e.extname) AS cache_key
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE n.nspname = 'public'`,
};
