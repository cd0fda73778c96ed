import type { RunDetail } from '../../shared/api/training'
import { LineChart } from './LineChart'

/** Loss (per batch, and per epoch for training and validation) and accuracy curves of a run. */
export function RunCharts({ run, batchesPerEpoch }: { run: RunDetail; batchesPerEpoch?: number }) {
  // Batch losses are placed on the epoch axis: the last batch of epoch 1 is always recorded.
  const firstEpoch = run.batches.filter((b) => b.epoch === 1).map((b) => b.step)
  const perEpoch = batchesPerEpoch ?? (firstEpoch.length && run.epochs.length ? Math.max(...firstEpoch) : 1)
  return (
    <div className="run-charts">
      <LineChart
        title="Loss"
        xLabel="epoch"
        testId="chart-loss"
        series={[
          {
            name: 'batch',
            color: '#9aa5b1',
            thin: true,
            points: run.batches.map((b) => ({ x: b.step / perEpoch, y: b.loss })),
          },
          {
            name: 'train',
            color: '#2f6fde',
            points: run.epochs.map((e) => ({ x: e.epoch, y: e.trainLoss })),
          },
          {
            name: 'validation',
            color: '#e8590c',
            points: run.epochs
              .filter((e) => e.valLoss !== undefined)
              .map((e) => ({ x: e.epoch, y: e.valLoss! })),
          },
        ]}
      />
      <LineChart
        title="Accuracy"
        xLabel="epoch"
        testId="chart-accuracy"
        series={[
          {
            name: 'train',
            color: '#2f6fde',
            points: run.epochs.map((e) => ({ x: e.epoch, y: e.trainAccuracy })),
          },
          {
            name: 'validation',
            color: '#e8590c',
            points: run.epochs
              .filter((e) => e.valAccuracy !== undefined)
              .map((e) => ({ x: e.epoch, y: e.valAccuracy! })),
          },
        ]}
      />
    </div>
  )
}
