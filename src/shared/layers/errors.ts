/**
 * A one-click repair the editor can offer next to an error. Plain data: the editor applies it
 * as an ordinary document change (so it is undoable).
 *
 * `kind` is a plain string, not `LayerKind`: this file is a leaf that every kind imports, and the
 * registry imports every kind. The editor checks it with `isLayerKind` where it applies the fix
 * (`applyFix` in src/renderer/store/edits.ts), and each kind's test names the kind its fix inserts.
 */
export type Fix =
  | { type: 'setParam'; label: string; param: string; value: unknown }
  /** Sets a parameter of the node that feeds input `port` (a Dense's units for the Output after it). */
  | { type: 'setInputParam'; label: string; port: number; param: string; value: unknown }
  | {
      type: 'insertBefore'
      label: string
      /** Which input connection of the failing node the new layer goes on. */
      port: number
      /** A layer kind of the registry. */
      kind: string
      params: Record<string, unknown>
    }

/** An analysis error: a value, never an exception. The message quotes the numbers and a fix. */
export interface LayerError {
  message: string
  /** The parameter at fault, for the inspector to outline. */
  param?: string
  /** The input connection at fault, for the editor to mark the edge. */
  port?: number
  fix?: Fix
}

export type ShapeResult<S> = { shape: S; error?: undefined } | { error: LayerError; shape?: undefined }
