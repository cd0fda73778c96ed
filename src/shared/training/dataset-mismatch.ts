import type { GraphIo } from '../graph/io'

export interface DatasetShape {
  name: string
  image: { height: number; width: number; channels: number }
  classes: number
  /** Image folders are resized to the Input's size and converted to its channels on loading. */
  resizable: boolean
}

/**
 * Why a dataset cannot feed a graph, each with the fix; empty when it can. Checked before a run
 * starts, so a mismatch never shows up as a TF.js shape error mid-training.
 */
export function datasetMismatch(graph: GraphIo, data: DatasetShape): string[] {
  const problems: string[] = []
  const { image } = data
  const { input } = graph
  if (!data.resizable && input.channels !== image.channels)
    problems.push(
      `${data.name} has ${image.channels} channel${image.channels === 1 ? '' : 's'} (${image.channels === 1 ? 'grayscale' : 'RGB'}) but the Input node takes ${input.channels}. Set the Input's channels to ${image.channels}.`,
    )
  if (!data.resizable && (input.height !== image.height || input.width !== image.width))
    problems.push(
      `${data.name} images are ${image.height}×${image.width} but the Input node takes ${input.height}×${input.width}. Set the Input to ${image.height}×${image.width}.`,
    )
  if (graph.classes !== data.classes)
    problems.push(
      `${data.name} has ${data.classes} classes but the Output node predicts ${graph.classes}. Set the Output's classes (and the Dense before it) to ${data.classes}.`,
    )
  return problems
}
