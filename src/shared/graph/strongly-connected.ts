/** Tarjan's algorithm, iterative so that a long chain cannot overflow the stack. */
export function stronglyConnected(ids: string[], next: (id: string) => string[]): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const out: string[][] = []
  let counter = 0
  for (const root of ids) {
    if (index.has(root)) continue
    const work: { id: string; i: number; succ: string[] }[] = []
    const visit = (id: string) => {
      index.set(id, counter)
      low.set(id, counter++)
      stack.push(id)
      onStack.add(id)
      work.push({ id, i: 0, succ: next(id) })
    }
    visit(root)
    while (work.length) {
      const top = work[work.length - 1]
      if (top.i < top.succ.length) {
        const w = top.succ[top.i++]
        if (!index.has(w)) visit(w)
        else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, index.get(w)!))
        continue
      }
      work.pop()
      if (work.length) {
        const parent = work[work.length - 1].id
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!))
      }
      if (low.get(top.id) === index.get(top.id)) {
        const component: string[] = []
        let w: string
        do {
          w = stack.pop()!
          onStack.delete(w)
          component.push(w)
        } while (w !== top.id)
        out.push(component.reverse())
      }
    }
  }
  return out
}
