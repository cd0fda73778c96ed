/**
 * TF.js layer names of a graph's nodes: node ids may hold `/` (expanded blocks) or spaces, which
 * TF.js refuses, and names must stay unique. Build-model names every node in topological order,
 * so the weight order (weight-order.ts) gives the same names without building anything.
 */
export function layerNamer(): (id: string) => string {
  const used = new Set<string>()
  return (id: string) => {
    const base = id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z])/, 'n_$1')
    let name = base
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`
    used.add(name)
    return name
  }
}

/** The layer name of every node, named in `order` (the analysis' topological order). */
export function layerNames(order: readonly string[]): Map<string, string> {
  const name = layerNamer()
  return new Map(order.map((id) => [id, name(id)]))
}
