/**
 * The palette's categories, in palette order: the one list behind the `Category` type, the
 * palette's sections (consecutive categories with the same `section` share one) and the registry's
 * conformance test. Each category's colour is a `.category-<id>` rule in
 * src/renderer/editor/editor.css; test/category-colours.test.ts checks the two agree.
 */
export const CATEGORIES = [
  { id: 'input', section: 'Inputs & outputs' },
  { id: 'output', section: 'Inputs & outputs' },
  { id: 'convolution', section: 'Convolution' },
  { id: 'pooling', section: 'Pooling' },
  { id: 'normalization', section: 'Normalization' },
  { id: 'activation', section: 'Activation' },
  { id: 'merge', section: 'Merge' },
  { id: 'dense', section: 'Dense & reshape' },
  { id: 'reshape', section: 'Dense & reshape' },
  /** Composite blocks (src/shared/blocks); no primitive layer kind has it. */
  { id: 'block', section: 'Blocks' },
] as const

export type Category = (typeof CATEGORIES)[number]['id']

export interface PaletteSection {
  title: string
  categories: Category[]
}

/** The palette's sections in order, each with its categories. */
export const PALETTE_SECTIONS: readonly PaletteSection[] = CATEGORIES.reduce<PaletteSection[]>((out, c) => {
  const last = out[out.length - 1]
  if (last?.title === c.section) last.categories.push(c.id)
  else out.push({ title: c.section, categories: [c.id] })
  return out
}, [])
