import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { describeTorch, eventsOf, makeRunFolder, startTrain, writeControl } from './train-py-kit'

/** Pausing, resuming and stopping train.py: its control file, its parent's death, SIGTERM. */

// Long enough never to finish by itself here.
const LONG = { hyperparameters: { epochs: 10_000 } }

describeTorch('train.py is controlled between batches', () => {
  it('pauses, resumes and stops through the control file, keeping its checkpoints', async () => {
    const folder = makeRunFolder(LONG)
    const control = path.join(folder, 'control')
    writeControl(control, 'run')
    const run = startTrain(folder, [
      '--control',
      control,
      '--every-batch',
      '--checkpoints',
      path.join(folder, 'ckpt'),
    ])
    await run.waitFor('checkpoint')
    writeControl(control, 'pause')
    await run.waitFor('paused')
    const during = run.events.length
    await new Promise((r) => setTimeout(r, 400))
    expect(run.events.length).toBe(during) // nothing trains while paused
    writeControl(control, 'run')
    await run.waitFor('resumed')
    await run.waitFor('batch', (e) => run.events.indexOf(e) > during)
    writeControl(control, 'stop')
    const { code, events } = await run.done
    expect(code).toBe(0)
    expect(events.at(-1)).toEqual({
      type: 'done',
      status: 'stopped',
      message: 'Stopped by the user.',
      test: null,
    })
    for (const c of eventsOf(events, 'checkpoint'))
      expect(existsSync(c.weights) && existsSync(c.optimizer)).toBe(true)
  })

  it('stops when the process that started it has ended', async () => {
    const parent = spawn('sleep', ['60'])
    const folder = makeRunFolder(LONG)
    const run = startTrain(folder, [
      '--parent-pid',
      String(parent.pid),
      '--checkpoints',
      path.join(folder, 'ckpt'),
    ])
    await run.waitFor('batch')
    parent.kill('SIGKILL')
    const { code, events } = await run.done
    expect(code).toBe(0)
    expect(events.at(-1)).toEqual({
      type: 'done',
      status: 'stopped',
      message: `Stopped: the process that started training (pid ${parent.pid}) ended.`,
      test: null,
    })
  })

  it('stops cleanly on SIGTERM', async () => {
    const folder = makeRunFolder(LONG)
    const run = startTrain(folder, ['--checkpoints', path.join(folder, 'ckpt')])
    await run.waitFor('batch')
    run.kill('SIGTERM')
    const { code, events } = await run.done
    expect(code).toBe(0)
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'stopped', message: 'Stopped by the user.' })
  })
})
