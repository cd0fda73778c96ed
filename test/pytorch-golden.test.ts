import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { getTemplate } from '../src/shared/templates'
import { modelPy } from '../src/main/pytorch/model-py'

/**
 * model.py of LeNet-5 and ResNet-18 as generated, kept in test/golden/ to be read: a change to the
 * generated code shows up as a diff here. After a deliberate change, regenerate with UPDATE_GOLDEN=1.
 */
describe('golden model.py', () => {
  it.each([
    ['lenet5', 'LeNet-5'],
    ['resnet18', 'ResNet-18'],
  ])('%s', (name, projectName) => {
    const path = new URL(`golden/${name}.model.py`, import.meta.url)
    const source = modelPy(getTemplate(name)!.document, { projectName, classes: null })
    if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, source)
    expect(source).toBe(readFileSync(path, 'utf8'))
  })
})
