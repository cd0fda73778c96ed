import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { hyperparametersSchema, type Hyperparameters } from '../../shared/api/training'
import { readHyperparameterFlags } from './hyperparameter-flags'
import { UsageError } from './io'
import { flagOf, NOT_DEFAULT_ARGS, NOT_DEFAULTS } from './test-kit'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname
const KEYS = Object.keys(hyperparametersSchema.shape) as (keyof Hyperparameters)[]
const DEFAULTS = hyperparametersSchema.parse({})
describe('cnn-studio train --help', () => {
  const help = spawnSync(process.execPath, [BIN, 'train', '--help'], { encoding: 'utf8', timeout: 60_000 })

  it('lists a flag for every hyperparameter, with what it accepts and its default', () => {
    expect(help.status).toBe(0)
    const lines = help.stdout.split('\n')
    for (const key of KEYS) {
      const i = lines.findIndex(
        (l) => l.trimStart().startsWith(`${flagOf(key)} `) || l.trim() === flagOf(key),
      )
      expect(i, `${flagOf(key)} in --help`).toBeGreaterThan(-1)
      const accepts = lines[i + 1]
      if (typeof DEFAULTS[key] === 'boolean') expect(accepts).toMatch(/default off$/)
      else expect(accepts, key).toMatch(new RegExp(`; default ${String(DEFAULTS[key]).replace('.', '\\.')}$`))
    }
    expect(help.stdout).toMatch(
      /--schedule NAME\s+Schedule\. .*\n\s+one of constant, step, cosine, exponential; default constant/,
    )
    expect(help.stdout).toMatch(
      /--momentum X\s+Momentum\. .*\n\s+a number, at least 0 and below 1; default 0\.9/,
    )
    expect(help.stdout).toMatch(/--learning-rate X \(--lr\)/)
    expect(help.stdout).toMatch(/cnn-studio runs \[project\]/)
  })
})

describe('readHyperparameterFlags', () => {
  const read = (...args: string[]) => {
    const values: Record<string, unknown> = {}
    for (let i = 0; i < args.length; i++) {
      const name = args[i].slice(2)
      if (args[i + 1] === undefined || args[i + 1].startsWith('--')) values[name] = true
      else values[name] = args[++i]
    }
    return readHyperparameterFlags(values)
  }

  it('reads every key from its flag, numbers as numbers', () => {
    expect(NOT_DEFAULT_ARGS.length).toBeGreaterThan(KEYS.length)
    for (const key of KEYS) expect(NOT_DEFAULTS[key], key).not.toEqual(DEFAULTS[key])
    expect(read(...NOT_DEFAULT_ARGS)).toEqual(NOT_DEFAULTS)
  })

  it('keeps --lr, and gives nothing for flags not given (the run takes the defaults)', () => {
    expect(read('--lr', '0.05')).toEqual({ learningRate: 0.05 })
    expect(read()).toEqual({})
    expect(() => read('--lr', '0.1', '--learning-rate', '0.2')).toThrow(
      '--lr and --learning-rate are the same flag: give one.',
    )
  })

  it('refuses a bad value naming the flag and what it accepts', () => {
    const cases: [string[], string][] = [
      [['--momentum', '1'], "--momentum must be a number, at least 0 and below 1, got '1'."],
      [['--lr', '0'], "--lr must be a number, more than 0 and at most 10, got '0'."],
      [['--epochs', '1.5'], "--epochs must be a whole number from 1 to 10000, got '1.5'."],
      [['--batch-size', 'many'], "--batch-size must be a whole number from 1 to 4096, got 'many'."],
      [['--weight-decay', ''], "--weight-decay must be a number from 0 to 1, got ''."],
      [['--patience', '-1'], "--patience must be a whole number, at least 0, got '-1'."],
      [['--schedule', 'fast'], "--schedule must be one of constant, step, cosine, exponential, got 'fast'."],
      [['--normalize', 'z'], "--normalize must be one of unit, standardize, got 'z'."],
    ]
    for (const [args, message] of cases) {
      expect(() => read(...args)).toThrow(UsageError)
      expect(() => read(...args)).toThrow(message)
    }
  })
})
