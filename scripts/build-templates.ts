// Writes templates/<name>.json from the builders in src/shared/templates/networks.
// test/templates.test.ts fails when a JSON file and its builder disagree.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NETWORKS } from '../src/shared/templates/networks'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates')
mkdirSync(dir, { recursive: true })
for (const [name, build] of Object.entries(NETWORKS)) {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(build(), null, 2) + '\n')
  console.log(`templates/${name}.json`)
}
