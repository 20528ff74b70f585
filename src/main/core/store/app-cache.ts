/**
 * Which cache file the app uses, for the CLI: `roman events search` with no --cache/--db reads the
 * cache of the workspace the app opens (its active profile, else the sample workspace), and
 * `--profile NAME` takes the profile's name as the app shows it (or its id).
 *
 * The app keeps its settings in `settings.json` of its data folder: the desktop app's userData folder
 * (electron-store; "R.O.M.A.N. Desktop" under ~/.config, ~/Library/Application Support or %APPDATA%)
 * or the browser host's / CLI's data folder (ROMAN_DATA_DIR, default ~/.local/share/roman-desktop).
 * Read-only here: nothing is written.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheFileStem, dataDir } from './paths';

export const DESKTOP_APP_DIR_NAME = 'R.O.M.A.N. Desktop';

interface StoredProfile {
  id: string;
  name: string;
}

export interface AppSettingsView {
  dir: string;
  profiles: StoredProfile[];
  activeProfileId: string | null;
}

/** The data folders the app may use, most specific first (ROMAN_DATA_DIR alone when set). */
export function appDataDirs(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  if (env.ROMAN_DATA_DIR) return [env.ROMAN_DATA_DIR];
  const desktop =
    platform === 'darwin'
      ? join(homedir(), 'Library', 'Application Support', DESKTOP_APP_DIR_NAME)
      : platform === 'win32'
        ? join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), DESKTOP_APP_DIR_NAME)
        : join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), DESKTOP_APP_DIR_NAME);
  return [dataDir(env, platform), desktop];
}

/** Reads one settings.json (flat keys of the JSON backend, or electron-store's nested objects). */
export function readAppSettings(dir: string): AppSettingsView | null {
  const file = join(dir, 'settings.json');
  if (!existsSync(file)) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const nested = (raw.connections as { profiles?: unknown } | undefined)?.profiles;
  const list = Array.isArray(raw['connections.profiles']) ? raw['connections.profiles'] : Array.isArray(nested) ? nested : [];
  const profiles = (list as unknown[])
    .filter((p): p is StoredProfile => typeof p === 'object' && p !== null && typeof (p as StoredProfile).id === 'string' && typeof (p as StoredProfile).name === 'string')
    .map((p) => ({ id: p.id, name: p.name }));
  const prefs = raw.preferences as { activeProfileId?: unknown } | undefined;
  const active = typeof prefs?.activeProfileId === 'string' ? prefs.activeProfileId : null;
  return { dir, profiles, activeProfileId: active && profiles.some((p) => p.id === active) ? active : null };
}

export interface AppCacheChoice {
  path: string;
  /** In words, for messages: "the active profile “Billing” (billing)", "the sample workspace". */
  describes: string;
}

function cacheIn(dir: string, key: string): string {
  return join(dir, 'cache', `${cacheFileStem(key)}.sqlite`);
}

function newest(paths: AppCacheChoice[]): AppCacheChoice | null {
  const existing = paths.filter((c) => existsSync(c.path));
  if (existing.length === 0) return null;
  return existing.sort((a, b) => statSync(b.path).mtimeMs - statSync(a.path).mtimeMs)[0]!;
}

/** The cache the app uses for its active profile (else the sample workspace's); the first candidate when none exists yet. */
export function activeAppCache(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): AppCacheChoice {
  const candidates: AppCacheChoice[] = [];
  for (const dir of appDataDirs(env, platform)) {
    const s = readAppSettings(dir);
    const active = s?.activeProfileId ? s.profiles.find((p) => p.id === s.activeProfileId) : undefined;
    candidates.push(
      active
        ? { path: cacheIn(dir, active.id), describes: `the active profile “${active.name}” (${active.id})` }
        : { path: cacheIn(dir, 'sample'), describes: 'the sample workspace (no active profile)' },
    );
  }
  return newest(candidates) ?? candidates[0]!;
}

/** The cache of a profile named as the app shows it (case-insensitive) or by its id; null when no such profile. */
export function profileCache(nameOrId: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): AppCacheChoice | null {
  const wanted = nameOrId.trim().toLowerCase();
  const found: AppCacheChoice[] = [];
  for (const dir of appDataDirs(env, platform)) {
    const s = readAppSettings(dir);
    const p = s?.profiles.find((x) => x.id.toLowerCase() === wanted) ?? s?.profiles.find((x) => x.name.trim().toLowerCase() === wanted);
    if (p) found.push({ path: cacheIn(dir, p.id), describes: `the profile “${p.name}” (${p.id})` });
  }
  return newest(found) ?? found[0] ?? null;
}

/** Profile names known to the app (for "no profile named …" messages). */
export function knownProfileNames(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const names = new Set<string>();
  for (const dir of appDataDirs(env, platform)) for (const p of readAppSettings(dir)?.profiles ?? []) names.add(p.name);
  return [...names];
}
