import { EVAL_SPLITS, type EvalSplit, type Evaluation } from '../../shared/api/insight'
import type { Services } from '../services'
import { requireTrainedRun } from './find-run'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'
import { table } from './table'
import { withServices } from './with-services'

const help = `Usage: cnn-studio evaluate <run | project> [--split test|validation] [--recompute] [--json]

Evaluates a run's best checkpoint on its test (or validation) split, in onnxruntime (TF.js where
onnxruntime cannot run the model): accuracy, loss, top-5, the confusion matrix (rows = true class),
per-class precision, recall, F1 and support, the most confused pairs. A project stands for its
newest trained run. The evaluation is stored with the run and shown again without computing;
--recompute computes it again.

  --split NAME   ${EVAL_SPLITS.join(' or ')} (default test)
  --recompute    compute again even when stored
  --top N        misclassified samples listed (default 10; all with --json)
  --data DIR     the data folder (default: $CNN_STUDIO_DATA, else the user data folder)
  --json         one line {"runId", "split", "epoch", "engine", "samples", "accuracy", "loss", "top5",
                 "classes", "confusion": number[][] (rows = true class), "perClass": [{"class",
                 "precision", "recall", "f1", "support"}], "misclassified": [{"index", "label",
                 "predicted", "confidence"}]}

Exit status: 0 evaluated; 1 the run has no weights, its dataset is missing or it cannot be run;
2 bad usage or an unknown run or project.`

export const command: CliCommand = {
  help,
  options: {
    split: { type: 'string' },
    recompute: { type: 'boolean' },
    top: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run: (v, [target], io) =>
    withServices('evaluate', v.data, io, (s) =>
      evaluate(
        s,
        target,
        { split: v.split, recompute: v.recompute === true, top: v.top, json: v.json === true },
        io,
      ),
    ),
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`

export function evaluationJson(e: Evaluation) {
  return {
    runId: e.runId,
    split: e.split,
    epoch: e.epoch,
    engine: e.engine,
    samples: e.samples,
    accuracy: e.accuracy,
    loss: e.loss,
    top5: e.top5,
    classes: e.classes,
    confusion: e.confusion,
    perClass: e.perClass,
    misclassified: e.misclassified.map(({ index, label, predicted, confidence }) => ({
      index,
      label,
      predicted,
      confidence,
    })),
  }
}

/** The evaluation as a person reads it: totals, per-class table, confusion matrix, worst pairs and samples. */
export function describeEvaluation(e: Evaluation, top: number): string[] {
  const name = (c: number) => e.classes[c] ?? `class ${c}`
  const lines = [
    `Run ${e.runId}, best epoch ${e.epoch}, ${e.split} split (${e.samples.toLocaleString('en-US')} samples) on ${e.engine}` +
      `${e.engineNote ? ` (${e.engineNote})` : ''}: accuracy ${pct(e.accuracy)}, loss ${e.loss.toFixed(4)}` +
      `${e.top5 !== null ? `, top-5 ${pct(e.top5)}` : ''}.`,
    '',
    ...table(
      ['Class', 'Precision', 'Recall', 'F1', 'Support'],
      e.perClass.map((c) => [c.class, pct(c.precision), pct(c.recall), c.f1.toFixed(3), String(c.support)]),
      [false, true, true, true, true],
    ),
    '',
    'Confusion matrix (rows: true class, columns: predicted, in class order):',
    ...table(
      ['', ...e.classes.map((_, i) => String(i))],
      e.confusion.map((row, i) => [`${i} ${name(i)}`, ...row.map(String)]),
      [false, ...e.classes.map(() => true)],
    ),
  ]
  if (e.confusedPairs.length)
    lines.push(
      '',
      'Most confused:',
      ...e.confusedPairs.map((p) => `  ${name(p.label)} → ${name(p.predicted)}: ${p.count}`),
    )
  if (e.misclassified.length && top > 0)
    lines.push(
      '',
      `Most confident mistakes (of ${e.misclassified.length}):`,
      ...e.misclassified
        .slice(0, top)
        .map(
          (m) =>
            `  sample ${m.index}: ${name(m.label)} predicted ${name(m.predicted)} (${pct(m.confidence)})`,
        ),
    )
  return lines
}

async function evaluate(
  services: Services,
  target: string,
  o: { split: unknown; recompute: boolean; top: unknown; json: boolean },
  io: CliIo,
): Promise<number> {
  const split = (o.split ?? 'test') as EvalSplit
  if (!EVAL_SPLITS.includes(split))
    throw new UsageError(`--split is ${EVAL_SPLITS.join(' or ')}, not '${String(o.split)}'.`)
  const top = o.top === undefined ? 10 : Number(o.top)
  if (!Number.isInteger(top) || top < 0)
    throw new UsageError(`--top is a whole number ≥ 0, not '${String(o.top)}'.`)
  const { run, note } = await requireTrainedRun(services, target)
  if (note && !o.json) io.err(note)
  const e = await services['runs.evaluate']({ runId: run.id, split, recompute: o.recompute })
  if (o.json) io.out(JSON.stringify(evaluationJson(e)))
  else for (const line of describeEvaluation(e, top)) io.out(line)
  return EXIT.ok
}
