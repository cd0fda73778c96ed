import { useState } from 'react'

export type Pixel = { y: number; x: number }

/** The output pixel a window view explains: follows the pointer, or stays where the user clicked. */
export function usePixel() {
  const [pinned, setPinned] = useState<Pixel | null>(null)
  const [hover, setHover] = useState<Pixel | null>(null)
  return {
    at: hover ?? pinned ?? { y: 0, x: 0 },
    pinned,
    onHover: setHover,
    onPick: (p: Pixel) => setPinned(p),
  }
}
