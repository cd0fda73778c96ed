import type { GraphDocument } from '../../graph/document'
import { alexnet } from './alexnet'
import { googlenet } from './googlenet'
import { lenet5, lenet5Mnist } from './lenet'
import { mobilenetV1, mobilenetV2 } from './mobilenet'
import { resnet18, resnet18Cifar, resnet34, resnet50 } from './resnet'
import { vgg16, vggCifar } from './vgg'

/** The builders behind templates/*.json, by template name (scripts/build-templates.ts writes them). */
export const NETWORKS: Record<string, () => GraphDocument> = {
  lenet5,
  'lenet5-mnist': lenet5Mnist,
  alexnet,
  vgg16,
  googlenet,
  resnet18,
  resnet34,
  resnet50,
  'mobilenet-v1': mobilenetV1,
  'mobilenet-v2': mobilenetV2,
  'resnet18-cifar': resnet18Cifar,
  'vgg-cifar': vggCifar,
}
