/**
 * Layer check (ARCHITECTURE.md §1, after VS Code's valid-layers-check): every file under src/ runs
 * in one runtime and may import only from the layers and packages that runtime allows.
 * `node scripts/layers.mjs [root]` prints each violation and exits 1 if there is any.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const SERVER_PACKAGES = ['pg', 'pg-cursor', 'better-sqlite3', 'ws', 'zod', '@electric-sql/pglite', '@electric-sql/pglite-socket', 'croner'];
// The Discord bot (src/main/core/discord-bot) talks to Discord through discord.js.
SERVER_PACKAGES.push('discord.js');

/** The table of ARCHITECTURE.md §1. */
export const LAYERS = [
  { name: 'shared', match: (p) => p.startsWith('src/shared/'), layers: ['shared'], packages: ['zod'], node: false },
  { name: 'core', match: (p) => p.startsWith('src/main/core/'), layers: ['shared', 'core'], packages: SERVER_PACKAGES, node: true },
  { name: 'cli', match: (p) => p.startsWith('src/main/cli/'), layers: ['shared', 'core', 'cli'], packages: SERVER_PACKAGES, node: true },
  { name: 'host', match: (p) => p.startsWith('src/main/host/'), layers: ['shared', 'core', 'host'], packages: SERVER_PACKAGES, node: true },
  {
    name: 'shell',
    match: (p) => p.startsWith('src/main/') && !p.slice('src/main/'.length).includes('/'),
    layers: ['shared', 'core', 'shell'],
    packages: [...SERVER_PACKAGES, 'electron', 'electron-store'],
    node: true,
  },
  { name: 'preload', match: (p) => p.startsWith('src/preload/'), layers: ['shared', 'preload'], packages: ['electron'], node: false },
  {
    name: 'renderer',
    match: (p) => p.startsWith('src/renderer/'),
    layers: ['shared', 'renderer'],
    packages: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client', '@tanstack/react-virtual'],
    node: false,
  },
];

export function layerOf(relPath) {
  return LAYERS.find((l) => l.match(relPath)) ?? null;
}

/** Every module a file imports (static, dynamic, require, re-export), read by TypeScript's own scanner. */
export function importsOf(source) {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

export function checkLayers(root) {
  const violations = [];
  const srcDir = join(root, 'src');
  for (const file of walk(srcDir)) {
    const rel = relative(root, file).split(sep).join('/');
    const layer = layerOf(rel);
    if (!layer) {
      violations.push({ file: rel, spec: '', message: 'file is in no layer of the table (ARCHITECTURE.md §1)' });
      continue;
    }
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(file), spec)).split(sep).join('/');
        const targetLayer = layerOf(target) ?? layerOf(target + '.ts') ?? layerOf(target + '/index.ts');
        if (!targetLayer) {
          violations.push({ file: rel, spec, message: `imports ${target}, which is outside src/` });
        } else if (!layer.layers.includes(targetLayer.name)) {
          violations.push({ file: rel, spec, message: `${layer.name} may not import from ${targetLayer.name}` });
        }
      } else if (NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(packageName(spec))) {
        if (!layer.node) violations.push({ file: rel, spec, message: `${layer.name} may not import Node built-in "${spec}"` });
      } else {
        const pkg = packageName(spec);
        if (!layer.packages.includes(spec) && !layer.packages.includes(pkg)) {
          violations.push({ file: rel, spec, message: `${layer.name} may not import package "${spec}"` });
        }
      }
    }
  }
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? '.');
  const violations = checkLayers(root);
  for (const v of violations) console.error(`${v.file}: ${v.message}${v.spec ? ` (import "${v.spec}")` : ''}`);
  if (violations.length > 0) {
    console.error(`layers: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log('layers: ok');
}
