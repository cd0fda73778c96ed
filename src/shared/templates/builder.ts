import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../graph/document'

type Params = Record<string, unknown>

/**
 * Builds a template's graph document: `add` wires a node to the previous one unless inputs are
 * given, and ids are made unique from a readable stem (conv → conv1, conv2, …).
 */
export class GraphBuilder {
  private readonly nodes: GraphDocument['nodes'] = []
  private readonly edges: GraphDocument['edges'] = []
  private readonly counts = new Map<string, number>()
  last = ''

  /** Adds a node with an explicit id. */
  node(
    id: string,
    kind: string,
    params: Params = {},
    inputs: string[] = this.last ? [this.last] : [],
  ): string {
    this.nodes.push({ id, kind, params })
    inputs.forEach((source, targetPort) => this.edges.push({ source, target: id, targetPort }))
    this.last = id
    return id
  }

  /** Adds a node whose id is `stem` followed by a counter. */
  add(stem: string, kind: string, params: Params = {}, inputs?: string[]): string {
    const n = (this.counts.get(stem) ?? 0) + 1
    this.counts.set(stem, n)
    return this.node(`${stem}${n}`, kind, params, inputs)
  }

  /** Conv2D without bias → BatchNorm → activation, the torchvision and Keras Applications stem. */
  convBn(stem: string, conv: Params, bn: Params, act: string | null = 'relu'): string {
    const id = this.add(stem, 'Conv2D', { ...conv, useBias: false })
    this.node(`${id}_bn`, 'BatchNorm', bn)
    return act ? this.node(`${id}_${act}`, 'Activation', { fn: act }) : this.last
  }

  /** fc6 and fc7 of AlexNet and VGG: two Dense 4096 with ReLU, each followed by Dropout 0.5. */
  fullyConnected4096(): string {
    for (const n of [6, 7]) {
      this.node(`fc${n}`, 'Dense', { units: 4096, activation: 'relu' })
      this.node(`drop${n}`, 'Dropout', { rate: 0.5 })
    }
    return this.last
  }

  /** Dense(classes) → Output(classes): the classifier head of every template. */
  head(classes: number): string {
    this.node('logits', 'Dense', { units: classes })
    return this.node('output', 'Output', { classes })
  }

  build(name: string, description: string): GraphDocument {
    return {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name,
      description,
      nodes: this.nodes,
      edges: this.edges,
    }
  }
}
