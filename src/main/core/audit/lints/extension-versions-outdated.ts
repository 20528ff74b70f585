/** 0022 extension_versions_outdated: an installed extension older than the version the server ships. */
import type { Lint } from '../lint';

export const extensionVersionsOutdated: Lint = {
  name: 'extension_versions_outdated',
  title: 'Extension versions outdated',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'The installed version of the extension is older than the default version available on the server: fixes and features of the update are missing.',
  sql: `
SELECT format('Extension %I is at version %s; the server ships %s.', a.name, a.installed_version, a.default_version) AS detail,
       format('ALTER EXTENSION %I UPDATE;', a.name) AS remediation,
       jsonb_build_object('name', a.name, 'type', 'extension', 'installed_version', a.installed_version, 'default_version', a.default_version) AS metadata,
       format('extension_versions_outdated_%s_%s', a.name, a.installed_version) AS cache_key
  FROM pg_available_extensions a
 WHERE a.installed_version IS NOT NULL AND a.default_version IS NOT NULL AND a.installed_version <> a.default_version`,
};
