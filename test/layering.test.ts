import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * The runtime layering of ARCHITECTURE section 1, as eslint.config.mjs enforces it: each snippet is
 * linted as if it were a file at the given path, and only the layering rules are looked at.
 */
const root = fileURLToPath(new URL('..', import.meta.url))
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: root })
})

const RULES = new Set(['no-restricted-imports', 'no-restricted-syntax'])

async function restricted(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {}\n`, { filePath })
  const fatal = result.messages.filter((m) => m.fatal)
  expect(fatal, 'the snippet must parse').toEqual([])
  return result.messages.filter((m) => m.ruleId && RULES.has(m.ruleId)).map((m) => m.message)
}

async function expectBlocked(code: string, filePath: string, reason?: RegExp) {
  const messages = await restricted(code, filePath)
  expect(messages, `${filePath}: ${code}`).toHaveLength(1)
  if (reason) expect(messages[0]).toMatch(reason)
}

async function expectAllowed(code: string, filePath: string) {
  expect(await restricted(code, filePath), `${filePath}: ${code}`).toEqual([])
}

describe('src/shared is pure TypeScript', () => {
  const file = 'src/shared/graph/x.ts'

  it('imports no Node builtins, prefixed or not', async () => {
    await expectBlocked("import fs from 'node:fs'", file, /Node builtins/)
    await expectBlocked("import { readFileSync } from 'fs'", file)
    await expectBlocked("import { readFile } from 'fs/promises'", file)
    await expectBlocked("import { join } from 'path'", file)
    await expectBlocked("import { Worker } from 'node:worker_threads'", file)
    await expectBlocked("import { randomUUID } from 'crypto'", file)
    await expectBlocked("import { spawn } from 'child_process'", file)
    await expectBlocked("export { join } from 'node:path'", file)
  })

  it('the same import is fine in src/main', async () => {
    await expectAllowed("import fs from 'node:fs'", 'src/main/services/x.ts')
    await expectAllowed("import { join } from 'path'", 'src/main/db/x.ts')
  })

  it('imports no Electron, React, React Flow or native packages', async () => {
    await expectBlocked("import { app } from 'electron'", file)
    await expectBlocked("import { useState } from 'react'", file)
    await expectBlocked("import { jsx } from 'react/jsx-runtime'", file)
    await expectBlocked("import { createRoot } from 'react-dom/client'", file)
    await expectBlocked("import { ReactFlow } from '@xyflow/react'", file)
    await expectBlocked("import Database from 'better-sqlite3'", file)
    await expectBlocked("import * as ort from 'onnxruntime-node'", file)
  })

  it('uses TF.js through `import type` only', async () => {
    await expectBlocked("import * as tf from '@tensorflow/tfjs'", file, /import type/)
    await expectBlocked("import '@tensorflow/tfjs-backend-wasm'", file)
    await expectAllowed("import type * as tf from '@tensorflow/tfjs'", file)
    await expectAllowed("import type { LayersModel } from '@tensorflow/tfjs'", file)
  })

  it('imports nothing from main, renderer or preload', async () => {
    await expectBlocked("import { createServices } from '../../main/services'", file, /src\/shared depends/)
    await expectBlocked("import { App } from '../../renderer/App'", file)
    await expectBlocked("import '../../preload/index'", file)
    await expectBlocked("import { x } from '../../../main/db/connection'", 'src/shared/layers/kinds/x.ts')
  })

  it('may import zod, vitest and its own folders', async () => {
    await expectAllowed("import { z } from 'zod'", file)
    await expectAllowed("import { it } from 'vitest'", 'src/shared/graph/x.test.ts')
    await expectAllowed("import { inferGraph } from '../graph/infer'", 'src/shared/api/x.ts')
    await expectAllowed("import { conv2d } from './kinds/conv2d'", 'src/shared/layers/x.ts')
  })
})

describe('src/renderer runs in a web page', () => {
  const file = 'src/renderer/editor/x.tsx'

  it('imports no Electron, Node builtins or native packages', async () => {
    await expectBlocked("import { ipcRenderer } from 'electron'", file, /window\.api/)
    await expectBlocked("import fs from 'node:fs'", file)
    await expectBlocked("import { join } from 'path'", file)
    await expectBlocked("import Database from 'better-sqlite3'", file)
    await expectBlocked("import * as ort from 'onnxruntime-node'", file)
    await expectBlocked("import * as tf from '@tensorflow/tfjs-node'", file)
    await expectBlocked("import * as tf from '@tensorflow/tfjs-node-gpu'", file)
  })

  it('reaches src/main only through window.api', async () => {
    await expectBlocked("import { createServices } from '../../main/services'", file, /window\.api/)
    await expectBlocked("import { createServices } from '../main/services'", 'src/renderer/x.ts')
  })

  it('may import React, React Flow, browser TF.js and src/shared', async () => {
    await expectAllowed("import { useState } from 'react'", file)
    await expectAllowed("import { ReactFlow } from '@xyflow/react'", file)
    await expectAllowed("import * as tf from '@tensorflow/tfjs'", file)
    await expectAllowed("import { inferGraph } from '../../shared/graph/infer'", file)
    await expectAllowed("import { App } from '../App'", file)
  })
})

describe("only src/main/electron imports 'electron' in src/main", () => {
  it('blocks it in services, CLI and the rest of src/main', async () => {
    await expectBlocked("import { app } from 'electron'", 'src/main/services/x.ts', /plain Node/)
    await expectBlocked("import { app } from 'electron'", 'src/main/cli/x.ts')
    await expectBlocked("import { app } from 'electron/main'", 'src/main/training/x.ts')
  })

  it('allows it in src/main/electron', async () => {
    await expectAllowed("import { app, BrowserWindow } from 'electron'", 'src/main/electron/x.ts')
  })

  it('src/main loads no UI code', async () => {
    await expectBlocked("import { App } from '../../renderer/App'", 'src/main/services/x.ts')
  })

  it('allows native packages and Node builtins', async () => {
    await expectAllowed("import Database from 'better-sqlite3'", 'src/main/db/x.ts')
    await expectAllowed("import * as ort from 'onnxruntime-node'", 'src/main/export/x.ts')
    await expectAllowed("import { Worker } from 'node:worker_threads'", 'src/main/training/x.ts')
  })
})

describe('src/preload imports electron and src/shared only', () => {
  const file = 'src/preload/x.ts'

  it('allows them', async () => {
    await expectAllowed("import { contextBridge, ipcRenderer } from 'electron'", file)
    await expectAllowed("import { createApi } from '../shared/api/contract'", file)
  })

  it('blocks anything else', async () => {
    await expectBlocked("import fs from 'node:fs'", file)
    await expectBlocked("import { join } from 'path'", file)
    await expectBlocked("import { z } from 'zod'", file, /electron and src\/shared only/)
    await expectBlocked("import { createServices } from '../main/services'", file)
    await expectBlocked("import { App } from '../renderer/App'", file)
  })
})

describe('everywhere else', () => {
  it('tests, scripts and benchmarks are not restricted', async () => {
    await expectAllowed("import fs from 'node:fs'", 'test/x.test.ts')
    await expectAllowed("import { app } from 'electron'", 'scripts/x.ts')
    await expectAllowed("import * as tf from '@tensorflow/tfjs'", 'bench/x.ts')
  })
})

describe('import() expressions are checked as static imports are', () => {
  it('blocks a dynamic import of what a folder may not load', async () => {
    await expectBlocked("const os = await import('os')", 'src/shared/x.ts', /Node builtins/)
    await expectBlocked("const tf = await import('@tensorflow/tfjs')", 'src/shared/x.ts')
    await expectBlocked("const m = await import('../main/services')", 'src/renderer/x.ts')
    await expectBlocked("const e = await import('electron')", 'src/main/training/x.ts')
    await expectBlocked("const z = await import('zod')", 'src/preload/x.ts')
  })

  it('allows the rest', async () => {
    await expectAllowed("const tf = await import('@tensorflow/tfjs-node')", 'src/main/training/x.ts')
    await expectAllowed("const t = await import('../../shared/templates')", 'src/renderer/api/x.ts')
    await expectAllowed("const c = await import('../shared/api/contract')", 'src/preload/x.ts')
  })
})
