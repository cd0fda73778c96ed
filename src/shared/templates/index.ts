import alexnet from '../../../templates/alexnet.json'
import googlenet from '../../../templates/googlenet.json'
import lenet5Mnist from '../../../templates/lenet5-mnist.json'
import lenet5 from '../../../templates/lenet5.json'
import mobilenetV1 from '../../../templates/mobilenet-v1.json'
import mobilenetV2 from '../../../templates/mobilenet-v2.json'
import resnet18Cifar from '../../../templates/resnet18-cifar.json'
import resnet18 from '../../../templates/resnet18.json'
import resnet34 from '../../../templates/resnet34.json'
import resnet50 from '../../../templates/resnet50.json'
import vggCifar from '../../../templates/vgg-cifar.json'
import vgg16 from '../../../templates/vgg16.json'
import { parseDocument, type GraphDocument } from '../graph/document'

export interface Template {
  /** The command-line name, e.g. `resnet18`. */
  name: string
  title: string
  description: string
  document: GraphDocument
}

const FILES: Record<string, unknown> = {
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

/** The networks a new project can start from, read from templates/*.json. */
export const TEMPLATES: readonly Template[] = Object.entries(FILES).map(([name, raw]) => {
  const parsed = parseDocument(raw)
  // A shipped template that does not parse is a build defect, caught by test/templates.test.ts.
  if (parsed.error !== undefined) throw new Error(`templates/${name}.json: ${parsed.error}`)
  return { name, title: parsed.doc.name, description: parsed.doc.description ?? '', document: parsed.doc }
})

export function getTemplate(name: string): Template | undefined {
  return TEMPLATES.find((t) => t.name === name)
}

/** A template by its command-line name (`lenet5-mnist`) or its title (`LeNet-5 (MNIST)`). */
export function findTemplate(nameOrTitle: string): Template | undefined {
  return getTemplate(nameOrTitle) ?? TEMPLATES.find((t) => t.title === nameOrTitle)
}

/**
 * The name of a project made from a template, in the app and on the command line alike: the
 * template's title (its document's name), so that both find the same project.
 */
export const projectNameOf = (t: Template): string => t.title
