import { describe, expect, it } from 'vitest'
import { createEtaEstimator, ETA } from './eta'

describe('createEtaEstimator', () => {
  it('is estimating (null) through the warm-up batches', () => {
    const e = createEtaEstimator()
    for (let i = 0; i < ETA.warmupBatches; i++) {
      e.record(64, 0.1)
      expect(e.eta(1000)).toBeNull()
      expect(e.speed()).toBeNull()
    }
  })

  it('stays estimating until the window holds minSeconds of batches', () => {
    const e = createEtaEstimator()
    for (let i = 0; i < ETA.warmupBatches; i++) e.record(64, 0.1)
    // 0.125 s per batch (512 samples/s): 7 batches are 0.875 s, not yet enough.
    for (let i = 0; i < 7; i++) e.record(64, 0.125)
    expect(e.eta(1000)).toBeNull()
    e.record(64, 0.125)
    expect(e.eta(1024)).toBeCloseTo(2, 6)
  })

  it('ignores slow warm-up batches: a steady 640 samples/s gives the ETA of that speed', () => {
    const e = createEtaEstimator()
    // The first batches take seconds (compiling kernels); after them 64 samples every 0.1 s.
    e.record(64, 2)
    e.record(64, 0.5)
    e.record(64, 0.2)
    for (let i = 0; i < 50; i++) e.record(64, 0.1)
    expect(e.speed()).toBeCloseTo(640, 6)
    // 24 s of samples left at 640/s; an average from the start would say 26.8 s.
    expect(e.eta(640 * 24)).toBeCloseTo(24, 6)
  })

  it('ends the warm-up early when batches are slow (one batch past warmupSeconds)', () => {
    const e = createEtaEstimator()
    e.record(64, ETA.warmupSeconds + 1)
    e.record(64, 4)
    expect(e.speed()).toBeCloseTo(16, 6)
  })

  it('follows the recent speed: the window forgets batches older than windowSeconds', () => {
    const e = createEtaEstimator()
    for (let i = 0; i < ETA.warmupBatches; i++) e.record(64, 0.1)
    for (let i = 0; i < 200; i++) e.record(64, 0.1) // 640/s
    for (let i = 0; i < 200; i++) e.record(64, 0.2) // then 320/s for 40 s
    expect(e.speed()).toBeCloseTo(320, 6)
  })
})
