import { ReactFlowProvider, useReactFlow } from '@xyflow/react'
import { memo, useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import type { Api } from '../../shared/api/contract'
import { PROJECT_FILE_EXTENSION, type ViewState } from '../../shared/api/projects'
import { download } from '../projects/ProjectList'
import { SaveIndicator } from '../projects/SaveIndicator'
import { useAutosave, type OpenProject, type SaveStatus } from '../projects/use-autosave'
import '@xyflow/react/dist/style.css'
import { useDocument } from '../store/document-store'
import { Canvas } from './Canvas'
import './editor.css'
import { Inspector } from './Inspector'
import { arrange, fitGraph } from './graph-commands'
import { Palette } from './Palette'
import { editCommand, useEditorShortcuts, type EditCommand } from './shortcuts'
import { StatusBar } from './StatusBar'
import { useReadableFit } from './view-fit'
import { ThemePicker } from '../theme/ThemePicker'

// The panels read the stores themselves: the editor's own state (the save status) must not
// re-render them.
const MemoPalette = memo(Palette)
const MemoCanvas = memo(Canvas)
const MemoInspector = memo(Inspector)
const MemoStatusBar = memo(StatusBar)

const EDIT_COMMANDS = new Set(['undo', 'redo', 'cut', 'copy', 'paste', 'duplicate'])

/**
 * The panels the app shell puts beside the canvas (the editor opens and closes them from its
 * toolbar and the menu): the editor does not import them, so that they may import what it shares.
 */
export interface EditorPanels {
  /** The training panel: rendered once first opened, then kept (hidden while closed). */
  training(props: {
    hidden: boolean
    /** Saves pending edits; rejects when the project could not be saved. */
    save: () => Promise<void>
    onClose: () => void
  }): ReactNode
  /** The export dialog, while it is open. */
  exportDialog(props: { save: () => Promise<SaveStatus>; onClose: () => void }): ReactNode
  /** Inside a trained run (the sample bar and node view over the canvas), while one is shown. */
  insight?(): ReactNode
}

export interface EditorProps {
  api: Api
  /** The project being edited, saved automatically; null edits without saving (no services). */
  project: OpenProject | null
  initialView?: ViewState | null
  onClose?: () => void
  panels: EditorPanels
}

function Toolbar({
  onClose,
  status,
  training,
  onToggleTraining,
  onExport,
}: {
  onClose?: () => void
  status: SaveStatus | null
  training: boolean
  onToggleTraining: () => void
  onExport: () => void
}) {
  const name = useDocument((s) => s.doc.name)
  const canUndo = useDocument((s) => s.history.past.length > 0 || s.history.gestureStart !== null)
  const canRedo = useDocument((s) => s.history.future.length > 0)
  const { undo, redo } = useDocument.getState()
  const { fit } = useReadableFit()
  return (
    <div className="toolbar" role="toolbar" aria-label="Editor">
      {onClose && (
        <button type="button" onClick={onClose} title="Back to the start screen">
          ← Projects
        </button>
      )}
      <strong className="doc-name">{name}</strong>
      {status ? (
        <SaveIndicator status={status} />
      ) : (
        <span className="save-status muted">
          Not saved: run `npx cnn-studio serve` or the app to keep projects
        </span>
      )}
      <button type="button" onClick={undo} disabled={!canUndo} title="Undo (Ctrl+Z)">
        Undo
      </button>
      <button type="button" onClick={redo} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)">
        Redo
      </button>
      <button type="button" onClick={() => arrange(fit)} title="Arrange the graph top to bottom">
        Auto-layout
      </button>
      <button
        type="button"
        onClick={onToggleTraining}
        aria-pressed={training}
        data-testid="train-toggle"
        title="Train this network on a dataset and watch its curves"
      >
        {training ? 'Close training' : 'Train'}
      </button>
      <button
        type="button"
        onClick={onExport}
        aria-haspopup="dialog"
        data-testid="export-toggle"
        title="Export the model as ONNX or TF.js, verified against TF.js"
      >
        Export
      </button>
      <button type="button" onClick={() => fitGraph(fit)} title="Fit the graph in view at a readable size">
        Fit
      </button>
      <ThemePicker />
    </div>
  )
}

function EditorLayout({ api, project, initialView, onClose, panels }: EditorProps) {
  useEditorShortcuts()
  const { status, flush } = useAutosave(api, project)
  const [training, setTraining] = useState(false)
  // Once opened, the training panel stays mounted (hidden when closed) so its form and live run stay.
  const [trainingUsed, setTrainingUsed] = useState(false)
  const [exporting, setExporting] = useState(false)
  // While the export dialog is open, the menu's edit commands must not change the graph behind it.
  const exportOpen = useRef(false)
  exportOpen.current = exporting
  const flow = useReactFlow()
  const { fit } = useReadableFit()
  // The desktop menu's commands.
  useEffect(
    () =>
      api.on('app.command', (c) => {
        if (c.command === 'save') void flush()
        else if (c.command === 'save-and-close') void flush().finally(() => window.close())
        else if (c.command === 'fit') fitGraph(fit)
        else if (c.command === 'zoom-in') void flow.zoomIn()
        else if (c.command === 'zoom-out') void flow.zoomOut()
        else if (c.command === 'layout') arrange(fit)
        else if (c.command === 'export' && project)
          void flush()
            .then(() => api.projects.export({ id: project.id }))
            .then((f) => download(`${f.name}${PROJECT_FILE_EXTENSION}`, f))
        else if (c.command === 'export-model') setExporting(true)
        else if (EDIT_COMMANDS.has(c.command) && !exportOpen.current) editCommand(c.command as EditCommand)
      }),
    [api, flow, fit, flush, project],
  )
  const close = onClose && (() => void flush().then(() => onClose()))
  // Training runs the latest saved version: it must be what the canvas shows.
  const saveForTraining = useCallback(async () => {
    const saved = await flush()
    if (saved.state === 'failed')
      throw new Error(
        `The project could not be saved, so training would not see your changes: ${saved.message}`,
      )
  }, [flush])
  return (
    <div className={training ? 'editor training-open' : 'editor'}>
      <Toolbar
        onClose={close}
        status={project ? status : null}
        training={training}
        onToggleTraining={() => {
          setTrainingUsed(true)
          setTraining((t) => !t)
        }}
        onExport={() => setExporting(true)}
      />
      <MemoPalette />
      <MemoCanvas initialView={initialView} />
      <MemoInspector />
      {panels.insight?.()}
      {trainingUsed &&
        panels.training({ hidden: !training, save: saveForTraining, onClose: () => setTraining(false) })}
      <MemoStatusBar />
      {exporting && panels.exportDialog({ save: flush, onClose: () => setExporting(false) })}
    </div>
  )
}

/** The network editor over the document store (load a document with `useDocument.getState().load`). */
export function Editor(props: EditorProps) {
  return (
    <ReactFlowProvider>
      <EditorLayout {...props} />
    </ReactFlowProvider>
  )
}
