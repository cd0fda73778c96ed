import { LineChart } from './LineChart'
import { accuracySeries, lossSeries, type RunView } from './run-view'

const percent = (v: number) => `${Number((v * 100).toPrecision(4))}%`

/** Loss (per batch, and per epoch for training and validation) and accuracy curves of a run. */
export function RunCharts({ view }: { view: RunView }) {
  return (
    <div className="run-charts">
      <LineChart title="Loss" xLabel="epoch" testId="chart-loss" series={lossSeries(view)} />
      <LineChart
        title="Accuracy"
        xLabel="epoch"
        testId="chart-accuracy"
        series={accuracySeries(view)}
        yFormat={percent}
        integerX
      />
    </div>
  )
}
