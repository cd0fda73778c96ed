import type { GraphDocument } from '../graph/document'
import { inferGraph } from '../graph/infer'
import type { TemplateSummary } from './contract'

/** What a template module provides (src/shared/templates). */
export interface TemplateSource {
  name: string
  title: string
  description: string
  document: GraphDocument
}

/** The gallery's row for a template: its totals are inferred from the document, never stored. */
export function summariseTemplate(t: TemplateSource): TemplateSummary {
  const { trainable, nonTrainable, macs } = inferGraph(t.document).totals
  return { name: t.name, title: t.title, description: t.description, trainable, nonTrainable, macs }
}
