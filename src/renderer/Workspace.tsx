import { Editor, type EditorProps } from './editor/Editor'
// In this order: the training panel's and the export dialog's styles come after the editor's.
import { TrainingPanel } from './training/TrainingPanel'
import { ExportDialog } from './export/ExportDialog'
import { EvaluationDialog } from './insight/evaluation/EvaluationDialog'

/**
 * The editing screen: the network editor with the training panel and the export dialog it opens,
 * and a run's evaluation dialog opened from the training panel. Composed here, so that editor/,
 * training/, export/ and insight/ need not import one another.
 */
export function Workspace(props: Omit<EditorProps, 'panels'>) {
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
            evaluationDialog={(e) => <EvaluationDialog api={api} {...e} />}
            {...p}
          />
        ),
        exportDialog: (p) => <ExportDialog key={project?.id} api={api} projectId={projectId} {...p} />,
      }}
    />
  )
}
