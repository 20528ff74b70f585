// ESLint (flat config). Besides the usual TypeScript rules it repeats the layer table of
// ARCHITECTURE.md §1 as no-restricted-imports per folder; scripts/layers.mjs is the full check.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'os', 'net', 'http', 'https', 'crypto', 'worker_threads'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'tests/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // CommonJS hooks loaded by electron-builder.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/main/core/**', 'src/main/cli/**', 'src/main/host/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The core runs under plain Node: never import electron here.' }], patterns: ['electron-store', '**/renderer/**', '**/preload/**'] }],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'pg', 'pg-cursor', 'better-sqlite3', 'ws', 'react', 'react-dom'],
          patterns: [...nodeBuiltins, '**/main/**', '**/renderer/**', '**/preload/**'],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: ['electron', 'pg', 'better-sqlite3', 'ws'], patterns: [...nodeBuiltins, '**/main/**', '**/preload/**'] }],
    },
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeBuiltins, '**/main/**', '**/renderer/**'] }],
    },
  },
);
