import { Editor, type EditorProps } from './editor/Editor'
// In this order: the training panel's and the export dialog's styles come after the editor's.
import { TrainingPanel } from './training/TrainingPanel'
import { ExportDialog } from './export/ExportDialog'
import { CompareDialog } from './compare/CompareDialog'
import { EvaluationDialog } from './insight/evaluation/EvaluationDialog'
import { InsightLayer } from './insight/network/InsightLayer'

/**
 * The editing screen: the network editor with the training panel (and the comparison of runs and a
 * run's evaluation it opens), the export dialog, and the views inside a trained run over the canvas.
 * Composed here, so that editor/, training/, compare/, export/ and insight/ need not import one
 * another.
 */
export function Workspace({
  download,
  ...props
}: Omit<EditorProps, 'panels'> & {
  /** Browser mode: exports are downloaded (ExportDialog's `download`). */
  download?: (file: { id: string; name: string }) => void
}) {
  const { api, project } = props
  const projectId = project?.id ?? null
  return (
    <Editor
      {...props}
      panels={{
        training: (p) => (
          <TrainingPanel
            key={project?.id}
            api={api}
            projectId={projectId}
            compare={(c) => <CompareDialog api={api} {...c} />}
            evaluationDialog={(e) => <EvaluationDialog api={api} {...e} />}
            {...p}
          />
        ),
        exportDialog: (p) => (
          <ExportDialog key={project?.id} api={api} projectId={projectId} download={download} {...p} />
        ),
        insight: () => <InsightLayer api={api} />,
      }}
    />
  )
}
