import { ApiError, type Handlers } from '../../shared/api/contract'
import { getTemplate } from '../../shared/templates'
import type { DB } from '../db/connection'
import { createGraphVersionsRepo } from '../db/graph-versions-repo'
import { createProjectsRepo } from '../db/projects-repo'
import { createRunsRepo } from '../db/runs-repo'
import { exportModel, ExportVerificationError, type ExportInput } from '../export/export-model'
import { ExportPathError } from '../export/write-atomic'
import { loadBackend, type LoadedBackend } from '../training/backends'
import { CheckpointError } from '../training/checkpoint'
import { TrainPreflightError } from '../training/preflight'

export type ExportService = Pick<Handlers, 'export.model'>

/**
 * Exports runs, projects and templates to ONNX or TF.js files, each verified against TF.js before
 * it is written (src/main/export). Runs in the calling process: TF.js inference and onnxruntime on
 * a handful of images take seconds even for VGG-16.
 */
export function createExportService(getDb: () => DB, options: { dataDir: string }): ExportService {
  let backend: Promise<LoadedBackend> | undefined

  function inputOf(source: { runId: string } | { projectId: string } | { template: string }): ExportInput {
    if ('template' in source) {
      const t = getTemplate(source.template)
      if (!t)
        throw new ApiError('not-found', `No template named '${source.template}'. See 'cnn-studio templates'.`)
      return { document: t.document, projectName: t.title, trained: null }
    }
    const db = getDb()
    const projects = createProjectsRepo(db)
    const versions = createGraphVersionsRepo(db)
    if ('projectId' in source) {
      const project = projects.get(source.projectId)
      const latest = project && versions.latest(source.projectId)
      if (!project || !latest)
        throw new ApiError('not-found', `No project with id '${source.projectId}': it may have been deleted.`)
      return { document: latest.document, projectName: project.name, trained: null }
    }
    const runs = createRunsRepo(db)
    const run = runs.detail(source.runId)
    if (!run) throw new ApiError('not-found', `No run with id '${source.runId}': it may have been deleted.`)
    const best = runs.bestWeights(run.id)
    const dataset = runs.internals(run.id)?.datasetRef
    if (!best || !dataset)
      throw new ApiError(
        'invalid',
        `Run '${run.id}' has no saved weights: it is ${run.status} and finished no epoch. Train it for at least one epoch, or export the project untrained.`,
      )
    return {
      document: versions.document(run.versionId)!,
      projectName: projects.get(run.projectId)?.name ?? 'model',
      trained: {
        runId: run.id,
        epoch: best.epoch,
        weights: best.weights,
        dataset,
        hyperparameters: run.hyperparameters,
        classes: run.classes,
      },
    }
  }

  return {
    async 'export.model'(request) {
      const input = inputOf(request.source)
      backend ??= loadBackend().catch((e: Error) => {
        backend = undefined
        throw new ApiError('unavailable', e.message)
      })
      const { tf } = await backend
      try {
        return await exportModel(tf, input, request, options.dataDir)
      } catch (e) {
        if (e instanceof TrainPreflightError || e instanceof ExportPathError || e instanceof CheckpointError)
          throw new ApiError('invalid', e.message)
        if (e instanceof ExportVerificationError) throw new ApiError('internal', e.message)
        throw e
      }
    },
  }
}
