import { create } from 'zustand'

/** Session state: not saved with the document and never undone. */
interface UiState {
  selection: ReadonlySet<string>
  paletteFilter: string
  /** Batch size for the activation-memory total. */
  batchSize: number
  select(ids: Iterable<string>): void
  setPaletteFilter(filter: string): void
  setBatchSize(n: number): void
}

export const useUi = create<UiState>()((set) => ({
  selection: new Set(),
  paletteFilter: '',
  batchSize: 32,
  select: (ids) => set({ selection: new Set(ids) }),
  setPaletteFilter: (paletteFilter) => set({ paletteFilter }),
  setBatchSize: (batchSize) => set({ batchSize }),
}))
