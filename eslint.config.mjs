// @ts-check
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

/*
 * Layering by runtime folder (ARCHITECTURE section 1), in the spirit of VS Code's rule for its
 * common/node/electron-main folders: each folder lists what it may never load at run time.
 * `import type` is allowed where a restriction says `types: true` (types cost nothing at run time).
 * Static imports and re-exports are checked by `no-restricted-imports`, `import()` expressions by
 * `no-restricted-syntax` with the same patterns. test/layering.test.ts proves each one fires.
 */

/** @typedef {{ regex: string, message: string, types?: boolean }} Restriction */

const escape = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A package and its subpaths: `react`, `react/jsx-runtime`. */
const pkg = (/** @type {string[]} */ names) => `^(${names.map(escape).join('|')})(/.*)?$`
/** A relative path climbing into another top-level folder of src/ (`../../main/services`). */
const folder = (/** @type {string[]} */ names) =>
  `^(\\.\\./)+(${names.join('|')})(/|$)|(^|/)src/(${names.join('|')})(/|$)`

/** Node builtins, prefixed (`node:fs`) or bare (`fs`, `fs/promises`, `worker_threads`, …). */
const bareBuiltins = builtinModules.filter((m) => !m.startsWith('_') && !m.startsWith('node:'))

/** @type {Record<string, Restriction>} */
const R = {
  builtins: {
    regex: `^node:|${pkg(bareBuiltins)}`,
    message: 'Node builtins are not available here: this code also runs in a web page.',
  },
  native: {
    regex: pkg(['better-sqlite3', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']),
    message: 'Native packages run in src/main only: reach them through the API contract (src/shared/api).',
  },
}

/** @type {Restriction[]} */
const shared = [
  R.builtins,
  R.native,
  { regex: pkg(['electron']), message: 'src/shared is pure TypeScript: no Electron.' },
  {
    regex: pkg(['react', 'react-dom', '@xyflow/react']),
    message: 'src/shared is pure TypeScript: React and the editor live in src/renderer.',
  },
  {
    regex: '^@tensorflow/',
    types: true,
    message: 'src/shared never loads TF.js at run time: use `import type`; src/main injects the namespace.',
  },
  {
    regex: folder(['main', 'renderer', 'preload']),
    message: 'src/shared depends on nothing else in src/: move what both sides need into src/shared.',
  },
]

/** @type {Restriction[]} */
const renderer = [
  R.builtins,
  R.native,
  {
    regex: pkg(['electron']),
    message: 'The renderer runs sandboxed (and in plain browsers): use window.api, never Electron.',
  },
  {
    regex: folder(['main']),
    message: 'The renderer reaches src/main only through window.api (the contract in src/shared/api).',
  },
]

/** @type {Restriction[]} */
const main = [
  {
    regex: pkg(['electron']),
    message:
      "Only src/main/electron may import 'electron': services, CLI and training must run in plain Node.",
  },
  { regex: folder(['renderer', 'preload']), message: 'src/main does not load UI code.' },
]

/** @type {Restriction[]} */
const preload = [
  {
    // Any package but 'electron' (Node builtins included): a sandboxed preload can require no other.
    regex: '^(?!electron$)(?![./])',
    message: 'The preload may import electron and src/shared only (it runs sandboxed).',
  },
  { regex: folder(['main', 'renderer']), message: 'The preload may import electron and src/shared only.' },
]

/** Both rules for one folder's restrictions. */
function layering(/** @type {Restriction[]} */ list) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: list.map((r) => ({
          regex: r.regex,
          caseSensitive: true,
          message: r.message,
          ...(r.types ? { allowTypeImports: true } : {}),
        })),
      },
    ],
    'no-restricted-syntax': [
      'error',
      ...list.map((r) => ({
        selector: `ImportExpression[source.value=/${r.regex.replace(/\//g, '\\/')}/]`,
        message: r.message,
      })),
    ],
  }
}

/** Globals of plain Node scripts (scripts/*.js, bin/*.js); TypeScript files need none. */
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'queueMicrotask',
    'structuredClone',
    'fetch',
    'AbortController',
    'TextEncoder',
    'TextDecoder',
  ].map((g) => [g, 'readonly']),
)

export default defineConfig(
  {
    ignores: ['out/**', 'dist/**', 'coverage/**', 'templates/*.json', 'test/e2e/screenshots/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: nodeGlobals } },
  { files: ['src/shared/**/*.{ts,tsx}'], rules: layering(shared) },
  { files: ['src/renderer/**/*.{ts,tsx}'], rules: layering(renderer) },
  { files: ['src/main/**/*.{ts,tsx}'], ignores: ['src/main/electron/**'], rules: layering(main) },
  { files: ['src/preload/**/*.{ts,tsx}'], rules: layering(preload) },
)
