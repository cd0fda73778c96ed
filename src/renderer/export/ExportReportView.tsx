import type { ExportReport } from '../../shared/api/export'
import { formatBytes } from '../format'
import {
  FORMAT_NAMES,
  formatDiff,
  formatShare,
  formatTensor,
  formatWeights,
  verifiedWith,
} from './export-format'

/**
 * The verification report of a finished export: what was written, and how well it matches TF.js,
 * or (a PyTorch folder written where no python has torch) that it was not verified, and why.
 */
export function ExportReportView({ report: r }: { report: ExportReport }) {
  const v = r.verification
  return (
    <section className="export-report" aria-label="Export report" data-testid="export-report">
      <h3>Exported to {FORMAT_NAMES[r.format]}</h3>
      <dl>
        <dt>{r.format === 'onnx' ? 'File' : 'Folder'}</dt>
        <dd>
          <code data-testid="export-report-out">{r.out}</code>
        </dd>
        <dt>Size</dt>
        <dd data-testid="export-report-size">
          {formatBytes(r.bytes)} ({r.bytes.toLocaleString('en-US')} bytes
          {r.files.length > 1 ? ` in ${r.files.length} files` : ''})
        </dd>
        {r.files.length > 1 && (
          <>
            <dt>Files</dt>
            <dd data-testid="export-report-files">
              {r.files.map((f) => (
                <code key={f} className="file">
                  {f.split(/[\\/]/).pop()}
                </code>
              ))}
            </dd>
          </>
        )}
        {r.opset !== null && (
          <>
            <dt>Opset</dt>
            <dd>
              {r.opset} · input layout {r.layout}
            </dd>
          </>
        )}
        <dt>Weights</dt>
        <dd>{formatWeights(r.weights)}</dd>
        <dt>{r.inputs.length === 1 ? 'Input' : 'Inputs'}</dt>
        <dd>
          {r.inputs.map((t) => (
            <code key={t.name} className="tensor">
              {formatTensor(t)}
            </code>
          ))}
        </dd>
        <dt>{r.outputs.length === 1 ? 'Output' : 'Outputs'}</dt>
        <dd>
          {r.outputs.map((t) => (
            <code key={t.name} className="tensor">
              {formatTensor(t)}
            </code>
          ))}
        </dd>
      </dl>
      {v ? (
        <p className="verification" data-testid="export-verification">
          <span className={v.passed ? 'passed' : 'error'}>{v.passed ? '✓' : '✗'}</span> {verifiedWith(v)}: max
          |Δ logit| {formatDiff(v.maxAbsDiff)} (logits up to {v.maxAbsLogit.toPrecision(3)}, tolerance{' '}
          {v.tolerance}), top-1 agreement {formatShare(v.top1Agreement)}.
        </p>
      ) : (
        <p className="verification unverified" data-testid="export-verification">
          <span className="warning">⚠</span> <strong>Not verified.</strong> {r.notVerified}
        </p>
      )}
      {r.warnings.length > 0 && (
        <ul className="warnings" data-testid="export-warnings">
          {r.warnings.map((w) => (
            <li key={w} className="warning">
              {w}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
