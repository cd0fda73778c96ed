import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { main } from '../src/main/cli/cnn-studio'

/**
 * The `inspect` table of a few templates, kept in test/golden/. A change to any shape, count or
 * column shows up as a diff here; after a deliberate change, regenerate with UPDATE_GOLDEN=1.
 */
const GOLDEN = ['lenet5', 'alexnet', 'googlenet', 'resnet50', 'mobilenet-v2']

async function summary(name: string, expand: boolean): Promise<string> {
  const lines: string[] = []
  const status = await main(['inspect', name, ...(expand ? ['--expand'] : [])], {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
  })
  expect(status).toBe(0)
  return lines.join('\n') + '\n'
}

describe('golden model summaries', () => {
  for (const name of GOLDEN) {
    it(name, async () => {
      const path = new URL(`golden/${name}.txt`, import.meta.url)
      const text = (await summary(name, false)) + '\n' + (await summary(name, true))
      if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, text)
      expect(text).toBe(readFileSync(path, 'utf8'))
    })
  }
})
