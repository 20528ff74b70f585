/**
 * Where cache files live. One SQLite file per connection profile:
 *   $ROMAN_CACHE                                    (explicit file, wins over everything)
 *   $ROMAN_DATA_DIR/cache/<name>.sqlite
 *   $XDG_DATA_HOME/roman-desktop/cache/<name>.sqlite (Linux; ~/.local/share by default)
 *   ~/Library/Application Support/roman-desktop/cache/<name>.sqlite (macOS)
 *   %APPDATA%\roman-desktop\cache\<name>.sqlite     (Windows)
 * `<name>` is 'default', a profile name, or for a connection URL a readable host/database hint plus
 * a hash of the URL *without its password* (so rotating a password keeps the same cache and the
 * password never reaches a file name).
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'roman-desktop';

export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ROMAN_DATA_DIR) return env.ROMAN_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), APP_DIR_NAME);
}

function slug(s: string, max = 40): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max);
}

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * A connection string with its password removed, normalised so equivalent URLs map to one cache:
 * `user@host:port/database`. Accepts postgres:// URLs and libpq `key=value` strings.
 */
export function connectionIdentity(conn: string): { key: string; hint: string } {
  const s = conn.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      const host = decodeURIComponent(u.hostname || 'localhost').toLowerCase();
      const port = u.port || '5432';
      const user = decodeURIComponent(u.username || '');
      const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || user || 'postgres';
      return { key: `${user}@${host}:${port}/${db}`, hint: `${host}-${db}` };
    } catch {
      // fall through: hash what we have, minus anything that looks like a password
    }
  }
  const kv = new Map<string, string>();
  for (const m of s.matchAll(/(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g)) kv.set(m[1].toLowerCase(), m[2].replace(/^'|'$/g, ''));
  if (kv.size > 0) {
    const host = (kv.get('host') ?? 'localhost').toLowerCase();
    const db = kv.get('dbname') ?? kv.get('user') ?? 'postgres';
    return { key: `${kv.get('user') ?? ''}@${host}:${kv.get('port') ?? '5432'}/${db}`, hint: `${host}-${db}` };
  }
  const stripped = s.replace(/:[^:@/]*@/, '@');
  return { key: stripped, hint: 'db' };
}

/** The cache file for a connection URL, a profile name, or (no argument) the default cache. */
export function defaultCachePath(urlOrProfileName?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROMAN_CACHE) return env.ROMAN_CACHE;
  return join(dataDir(env), 'cache', `${cacheFileStem(urlOrProfileName)}.sqlite`);
}

export function cacheFileStem(urlOrProfileName?: string): string {
  const v = urlOrProfileName?.trim();
  if (!v) return 'default';
  const looksLikeConnection = v.includes('://') || /\b(host|dbname|user|password)\s*=/.test(v);
  if (looksLikeConnection) {
    const { key, hint } = connectionIdentity(v);
    return `${slug(hint) || 'db'}-${sha(key).slice(0, 16)}`;
  }
  const s = slug(v);
  // Profile names that are not plain file names get a hash so two names never share a file.
  return s === v.toLowerCase() && s.length > 0 ? s : `${s || 'profile'}-${sha(v).slice(0, 8)}`;
}

/**
 * The cache a command should read. Precedence: an explicit file (--cache), a connection or profile
 * given on the command line (--db / --profile), $ROMAN_CACHE, $ROMAN_DB_URL's cache, the default.
 */
export function resolveCachePath(
  opts: { cache?: string; db?: string; profile?: string },
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (opts.cache) return opts.cache;
  const withoutOverride = { ...env, ROMAN_CACHE: undefined };
  if (opts.db) return defaultCachePath(opts.db, withoutOverride);
  if (opts.profile) return defaultCachePath(opts.profile, withoutOverride);
  if (env.ROMAN_CACHE) return env.ROMAN_CACHE;
  if (env.ROMAN_DB_URL) return defaultCachePath(env.ROMAN_DB_URL, env);
  return defaultCachePath(undefined, env);
}
