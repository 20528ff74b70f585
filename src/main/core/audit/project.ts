/**
 * The project-folder part of the audit (the manual's "File structure" and "Environment
 * configuration"): counts of components, services and migrations; the variables named in
 * `.env.example` that are set neither in `.env`/`.env.local` nor in the environment (names only —
 * values are never kept, logged or printed); and each Supabase Edge Function's outdated npm
 * dependencies when `npm outdated --offline` can tell, else "unavailable: why".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AuditFinding, EdgeFunctionStatus, ProjectInventory } from '../../../shared/audit';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', '.next', 'coverage', '.turbo', '.cache']);
const MAX_FILES = 200_000;

export class ProjectDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectDirError';
  }
}

/** Runs `npm outdated --json --offline` in a folder; injectable for tests. */
export type NpmOutdated = (dir: string) => { status: number | null; stdout: string; stderr: string; error?: string };

export const npmOutdatedOffline: NpmOutdated = (dir) => {
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['outdated', '--json', '--offline'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error?.message };
};

function walk(root: string): { components: number; services: number; migrations: number } {
  const out = { components: 0, services: 0, migrations: 0 };
  let seen = 0;
  const stack: { dir: string; inComponents: boolean; inServices: boolean; inMigrations: boolean }[] = [
    { dir: root, inComponents: false, inServices: false, inMigrations: false },
  ];
  while (stack.length > 0 && seen < MAX_FILES) {
    const cur = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(cur.dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name)) continue;
        const lower = e.name.toLowerCase();
        stack.push({
          dir: join(cur.dir, e.name),
          inComponents: cur.inComponents || lower === 'components',
          inServices: cur.inServices || lower === 'services',
          inMigrations: cur.inMigrations || lower === 'migrations',
        });
        continue;
      }
      if (!e.isFile()) continue;
      seen++;
      if (cur.inComponents && /\.(tsx|jsx|vue|svelte)$/i.test(e.name)) out.components++;
      else if (/\.(ts|js|mjs|cjs)$/i.test(e.name) && !/\.(test|spec|d)\.[mc]?[tj]s$/i.test(e.name) && (cur.inServices || /[.-]?service\.[mc]?[tj]s$/i.test(e.name))) out.services++;
      if (cur.inMigrations && /\.sql$/i.test(e.name)) out.migrations++;
    }
  }
  return out;
}

/** Variable names of a dotenv file (`NAME=…`, `export NAME=…`); with `onlySet`, only names with a non-empty value. */
export function envNames(text: string, onlySet = false): string[] {
  const names: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(raw);
    if (!m) continue;
    if (onlySet) {
      const v = m[2].trim().replace(/^(['"])(.*)\1$/, '$2').trim();
      if (v === '' || v.startsWith('#')) continue;
    }
    if (!names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

function edgeFunctions(root: string, npm: NpmOutdated): EdgeFunctionStatus[] {
  const dir = join(root, 'supabase', 'functions');
  if (!existsSync(dir)) return [];
  const out: EdgeFunctionStatus[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('_') || e.name.startsWith('.')) continue;
    const fnDir = join(dir, e.name);
    const path = relative(root, fnDir).split('\\').join('/') + '/';
    if (!existsSync(join(fnDir, 'package.json'))) {
      out.push({ name: e.name, path, status: 'unavailable', reason: 'no package.json (Deno imports): npm cannot tell whether its dependencies are outdated' });
      continue;
    }
    const r = npm(fnDir);
    if (r.error) {
      out.push({ name: e.name, path, status: 'unavailable', reason: `npm could not run: ${r.error}` });
      continue;
    }
    let parsed: unknown = null;
    try {
      parsed = r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
    } catch {
      parsed = null;
    }
    const obj = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    if (!obj || 'error' in obj || (r.status !== 0 && r.status !== 1)) {
      const why = obj && obj.error && typeof obj.error === 'object' ? String((obj.error as { summary?: unknown }).summary ?? '') : r.stderr.split('\n').find((l) => l.trim()) ?? '';
      out.push({ name: e.name, path, status: 'unavailable', reason: `npm outdated --offline could not tell${why ? `: ${why.slice(0, 200)}` : ''}` });
      continue;
    }
    const outdated = Object.entries(obj)
      .filter(([, v]) => v && typeof v === 'object')
      .map(([name, v]) => {
        const x = v as { current?: string; wanted?: string; latest?: string };
        return { name, current: x.current ?? null, wanted: x.wanted ?? null, latest: x.latest ?? null };
      })
      .filter((x) => x.current === null || x.current !== x.latest);
    out.push({ name: e.name, path, status: outdated.length > 0 ? 'outdated' : 'ok', ...(outdated.length > 0 ? { outdated } : {}) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export interface ProjectAudit {
  inventory: ProjectInventory;
  findings: AuditFinding[];
}

/** Audits a project folder. A missing or unreadable folder is a ProjectDirError (nothing else is read). */
export function auditProject(dir: string, env: NodeJS.ProcessEnv, npm: NpmOutdated = npmOutdatedOffline): ProjectAudit {
  const root = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new ProjectDirError(`project folder ${dir} does not exist or is not a folder`);
  const notes: string[] = [];
  const counts = walk(root);
  let envExample: string[] = [];
  const examplePath = join(root, '.env.example');
  if (existsSync(examplePath)) envExample = envNames(readFileSync(examplePath, 'utf8'));
  else notes.push('no .env.example: environment variables not checked');
  const setInFiles = new Set<string>();
  for (const f of ['.env', '.env.local']) {
    const p = join(root, f);
    if (existsSync(p)) for (const n of envNames(readFileSync(p, 'utf8'), true)) setInFiles.add(n);
  }
  const missingEnv = envExample.filter((n) => !setInFiles.has(n) && !(typeof env[n] === 'string' && env[n]!.trim() !== ''));
  const fns = edgeFunctions(root, npm);
  const findings: AuditFinding[] = [];
  for (const name of missingEnv) {
    findings.push({
      name: 'env_variable_missing',
      title: 'Environment variable not set',
      level: 'WARN',
      facing: 'EXTERNAL',
      categories: ['CONFIGURATION'],
      description: 'A variable listed in .env.example is set neither in .env/.env.local nor in the environment.',
      detail: `Environment variable ${name} not set`,
      remediation: `Set ${name} in .env (or the environment): it is listed in .env.example`,
      metadata: { name, type: 'environment variable' },
      cache_key: `env_variable_missing_${name}`,
    });
  }
  for (const f of fns.filter((x) => x.status === 'outdated')) {
    findings.push({
      name: 'edge_function_outdated_dependencies',
      title: 'Edge Function with outdated dependencies',
      level: 'WARN',
      facing: 'EXTERNAL',
      categories: ['SECURITY'],
      description: 'npm reports dependencies of the Edge Function older than their latest version.',
      detail: `Edge Function '${f.name}' has outdated dependencies`,
      remediation: `Run \`npm update\` in ${f.path}`,
      metadata: { name: f.name, path: f.path, outdated: f.outdated ?? [] },
      cache_key: `edge_function_outdated_dependencies_${f.name}`,
    });
  }
  return { inventory: { root, ...counts, envExample, missingEnv, edgeFunctions: fns, notes }, findings };
}
