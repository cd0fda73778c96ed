import type { LayerKind } from '../layers/registry'
import { BLOCK_INPUT, type Subgraph } from './define-block'

export interface BnParams {
  epsilon: number
  momentum: number
}

/** Builds a block's expansion: `add` wires a layer to its inputs (the previous layer by default). */
export class SubgraphBuilder {
  private readonly nodes: Subgraph['nodes'] = []
  private readonly edges: Subgraph['edges'] = []
  last: string = BLOCK_INPUT

  add(
    id: string,
    kind: LayerKind,
    params: Record<string, unknown>,
    inputs: string[] = [this.last],
    name = id,
  ): string {
    this.nodes.push({ id, kind, params, name })
    inputs.forEach((source, targetPort) => this.edges.push({ source, target: id, targetPort }))
    this.last = id
    return id
  }

  /** Conv2D without bias → BatchNorm → activation (none for a linear bottleneck), as torchvision. */
  convBn(
    id: string,
    conv: Record<string, unknown>,
    bn: BnParams,
    act: 'relu' | 'relu6' | null,
    input: string = this.last,
    kind: 'Conv2D' | 'DepthwiseConv2D' = 'Conv2D',
  ): string {
    this.add(id, kind, { ...conv, useBias: false }, [input])
    this.add(`${id}_bn`, 'BatchNorm', { epsilon: bn.epsilon, momentum: bn.momentum })
    return act ? this.add(`${id}_${act}`, 'Activation', { fn: act }) : this.last
  }

  build(output: string = this.last): Subgraph {
    return { nodes: this.nodes, edges: this.edges, output }
  }
}
