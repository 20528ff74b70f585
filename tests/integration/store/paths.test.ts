import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { cacheFileStem, dataDir, defaultCachePath, resolveCachePath } from '../../../src/main/core/store/paths';

describe('cache paths', () => {
  it('defaults to ~/.local/share/roman-desktop/cache/default.sqlite on Linux', () => {
    expect(dataDir({}, 'linux')).toBe(join(homedir(), '.local/share/roman-desktop'));
    expect(dataDir({ XDG_DATA_HOME: '/xdg' }, 'linux')).toBe('/xdg/roman-desktop');
    expect(dataDir({}, 'darwin')).toBe(join(homedir(), 'Library/Application Support/roman-desktop'));
    expect(defaultCachePath(undefined, {})).toBe(join(dataDir({}), 'cache', 'default.sqlite'));
  });

  it('honours ROMAN_CACHE, then ROMAN_DATA_DIR', () => {
    expect(defaultCachePath('staging', { ROMAN_CACHE: '/x/y.sqlite', ROMAN_DATA_DIR: '/d' })).toBe('/x/y.sqlite');
    expect(defaultCachePath('staging', { ROMAN_DATA_DIR: '/d' })).toBe('/d/cache/staging.sqlite');
  });

  it('names a URL cache by host, database and a hash that ignores the password', () => {
    const a = defaultCachePath('postgres://admin:s3cret@db.example.com:5432/app', { ROMAN_DATA_DIR: '/d' });
    const b = defaultCachePath('postgres://admin:rotated@db.example.com:5432/app', { ROMAN_DATA_DIR: '/d' });
    const other = defaultCachePath('postgres://admin:s3cret@db.example.com:5432/billing', { ROMAN_DATA_DIR: '/d' });
    expect(a).toBe(b);
    expect(a).not.toBe(other);
    expect(a).toMatch(/^\/d\/cache\/db\.example\.com-app-[0-9a-f]{16}\.sqlite$/);
    expect(a).not.toContain('s3cret');
    expect(cacheFileStem('host=db.example.com dbname=app user=admin password=s3cret')).not.toContain('s3cret');
  });

  it('keeps odd profile names inside the cache folder', () => {
    const p = defaultCachePath('../../etc/passwd', { ROMAN_DATA_DIR: '/d' });
    expect(p.startsWith('/d/cache/')).toBe(true);
    expect(p).not.toContain('..');
  });

  it('lets --cache win over --db, ROMAN_CACHE and ROMAN_DB_URL', () => {
    const env = { ROMAN_CACHE: '/env.sqlite', ROMAN_DATA_DIR: '/d', ROMAN_DB_URL: 'postgres://u@h/db' };
    expect(resolveCachePath({ cache: '/flag.sqlite' }, env)).toBe('/flag.sqlite');
    expect(resolveCachePath({ profile: 'prod' }, env)).toBe('/d/cache/prod.sqlite');
    expect(resolveCachePath({}, env)).toBe('/env.sqlite');
    expect(resolveCachePath({}, { ROMAN_DATA_DIR: '/d', ROMAN_DB_URL: 'postgres://u@h/db' })).toMatch(/^\/d\/cache\/h-db-[0-9a-f]{16}\.sqlite$/);
  });
});
