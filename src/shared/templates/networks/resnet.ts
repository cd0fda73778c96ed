import { GraphBuilder } from '../builder'

const BN = { epsilon: 1e-5, momentum: 0.9 }

/** torchvision's ResNet: 7×7/2 stem and max pool, four stages of blocks, global pooling, Dense. */
function resnet(block: 'ResidualBasic' | 'ResidualBottleneck', depths: number[]) {
  const b = new GraphBuilder()
  b.node('input', 'Input', { height: 224, width: 224, channels: 3 })
  b.convBn('conv', { filters: 64, kernelSize: 7, strides: 2, padding: 3 }, BN)
  b.node('maxpool', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 1 })
  stages(b, block, depths)
  b.node('avgpool', 'GlobalAvgPool2D')
  b.head(1000)
  return b
}

function stages(b: GraphBuilder, block: string, depths: number[]) {
  depths.forEach((depth, stage) => {
    for (let i = 0; i < depth; i++)
      b.node(`layer${stage + 1}_${i}`, block, {
        filters: 64 << stage,
        strides: i === 0 && stage > 0 ? 2 : 1,
        ...BN,
      })
  })
}

export const resnet18 = () =>
  resnet('ResidualBasic', [2, 2, 2, 2]).build(
    'ResNet-18',
    'He et al. (2015) as torchvision defines it: basic blocks [2, 2, 2, 2], convolutions without bias before BatchNorm; 224×224×3, 1000 classes, 11.7 M parameters.',
  )

export const resnet34 = () =>
  resnet('ResidualBasic', [3, 4, 6, 3]).build(
    'ResNet-34',
    'He et al. (2015) as torchvision defines it: basic blocks [3, 4, 6, 3]; 224×224×3, 1000 classes, 21.8 M parameters.',
  )

export const resnet50 = () =>
  resnet('ResidualBottleneck', [3, 4, 6, 3]).build(
    'ResNet-50',
    'He et al. (2015) as torchvision defines it (v1.5: stride on the 3×3 convolution): bottleneck blocks [3, 4, 6, 3]; 224×224×3, 1000 classes, 25.6 M parameters.',
  )

/** The CIFAR-10 variant: 3×3 stem without max pooling, for 32×32 images. */
export function resnet18Cifar() {
  const b = new GraphBuilder()
  b.node('input', 'Input', { height: 32, width: 32, channels: 3 })
  b.convBn('conv', { filters: 64, kernelSize: 3, padding: 1 }, BN)
  stages(b, 'ResidualBasic', [2, 2, 2, 2])
  b.node('avgpool', 'GlobalAvgPool2D')
  b.head(10)
  return b.build(
    'ResNet-18 (CIFAR-10)',
    'ResNet-18 for 32×32×3 images: a 3×3 stem without max pooling, basic blocks [2, 2, 2, 2]; 10 classes, 11.2 M parameters.',
  )
}

/** ResNet-152 (bottleneck [3, 8, 36, 3]): not a template, the large graph benchmarks use. */
export const resnet152 = () =>
  resnet('ResidualBottleneck', [3, 8, 36, 3]).build(
    'ResNet-152',
    'He et al. (2015) as torchvision defines it: bottleneck blocks [3, 8, 36, 3]; 60.2 M parameters.',
  )
