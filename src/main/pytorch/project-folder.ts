import { readFileSync } from 'node:fs'
import type { GraphDocument } from '../../shared/graph/document'
import { APP_VERSION } from '../app-version'
import type { NamedArray } from '../model/checkpoint'
import { torchConfig, type TorchConfig } from './config'
import { modelPy } from './model-py'
import { planModel, type ModelPlan } from './model-plan'
import { pythonFile } from './python-files'
import { encodeSafetensors } from './safetensors'
import { toStateDict } from './state-dict'

/**
 * The PyTorch folder (docs/pytorch.md), as files in memory: what `cnn-studio export --format
 * pytorch` writes and the PyTorch engine puts in a run's folder.
 */

/**
 * The folder's files, in the order a writer renames them into place: model.py last, so a reader
 * that finds the new model.py finds the weights written with it (write-atomic.ts moves an old
 * model.py aside first).
 */
export const TORCH_FILES = [
  'weights.safetensors',
  'safetensors_io.py',
  'train.py',
  'config.json',
  'README.md',
  'model.py',
] as const
export type TorchFileName = (typeof TORCH_FILES)[number]

export interface TorchProjectOptions {
  /** The graph, or its plan (planModel) when the caller has one. */
  source: GraphDocument | ModelPlan
  /** model.py's class name and docstring; the document's name when absent (a plan's own when `source` is one). */
  projectName?: string
  /** Class names in label order (model.py's CLASSES, config.json's), or null when unknown; a plan's own when `source` is one. */
  classes: readonly string[] | null
  /** The weights in TF.js model order (getWeights, a checkpoint); null: no weights.safetensors. */
  weights: readonly NamedArray[] | null
  /** config.json's dataset, hyperparameters and normalisation (model, input and classes come from the plan). */
  config: Omit<Parameters<typeof torchConfig>[0], 'model' | 'input' | 'classes'>
  /** Where the weights come from, for weights.safetensors' metadata and the README: `run …, best epoch 3`. */
  provenance: string
}

export interface TorchProjectFile {
  name: TorchFileName
  data: Uint8Array | string
}

/**
 * model.py, weights.safetensors (the state dict, metadata `format: pt` and where the weights come
 * from), safetensors_io.py, train.py, config.json and README.md, in {@link TORCH_FILES} order
 * (without weights.safetensors when there are no weights). Pure but for reading the two static
 * Python files.
 */
export function torchProjectFiles(options: TorchProjectOptions): TorchProjectFile[] {
  const plan =
    'graph' in options.source
      ? options.source
      : planModel(options.source, {
          projectName: options.projectName,
          classes: options.classes ? [...options.classes] : null,
        })
  const config = torchConfig({
    ...options.config,
    model: plan.className,
    input: plan.graph.input,
    classes: plan.classes,
  })
  const model = modelPy(plan)
  const files: Record<TorchFileName, Uint8Array | string | null> = {
    'weights.safetensors': options.weights
      ? encodeSafetensors(toStateDict(plan, options.weights), {
          format: 'pt',
          'cnn_studio.project': plan.projectName,
          'cnn_studio.weights': options.provenance,
          'cnn_studio.version': APP_VERSION,
        })
      : null,
    'safetensors_io.py': readFileSync(pythonFile('safetensors_io.py'), 'utf8'),
    'train.py': readFileSync(pythonFile('train.py'), 'utf8'),
    'config.json': `${JSON.stringify(config, null, 2)}\n`,
    'README.md': torchReadme(plan, config, {
      provenance: options.provenance,
      weights: options.weights !== null,
      flattensMaps: model.includes(NHWC_FLATTEN),
    }),
    'model.py': model,
  }
  return TORCH_FILES.flatMap((name) => {
    const data = files[name]
    return data === null ? [] : [{ name, data }]
  })
}

/** Numbers as Python floats: `0.0`, `0.2860405969887955`. */
const floats = (xs: readonly number[]) =>
  xs.map((x) => (Number.isInteger(x) ? x.toFixed(1) : String(x))).join(', ')

/** How model.py flattens a feature map in TF.js's order (the Flatten kind's toTorch). */
const NHWC_FLATTEN = '.permute(0, 2, 3, 1)'

/** README.md: what each file is, how to load the model, preprocess images, train, and how the weights map. */
export function torchReadme(
  plan: ModelPlan,
  config: TorchConfig,
  about: {
    provenance: string
    weights: boolean
    /** Whether model.py flattens a feature map (in NHWC order). */
    flattensMaps: boolean
  },
): string {
  const { height, width, channels } = config.input
  const norm = config.normalization
  const mean = norm?.mean ?? Array<number>(channels).fill(0)
  const std = norm?.std ?? Array<number>(channels).fill(1)
  const ds = config.dataset
  const h = config.hyperparameters
  const classes = config.classes
  const lines = [
    `# ${plan.projectName} in PyTorch`,
    '',
    `Exported by CNN Studio ${APP_VERSION}. Weights: ${about.provenance}.`,
    '',
    'Needs Python 3.9+ and PyTorch 1.13 or later, nothing else. (Pillow or torchvision only to train on',
    'a folder of images; the `safetensors` package is not needed: `safetensors_io.py` reads and writes the',
    'same files with torch alone.)',
    '',
    '## Files',
    '',
    '| file | what it is |',
    '| --- | --- |',
    `| \`model.py\` | the network as one \`nn.Module\`, \`${plan.className}\`; \`build_model()\` returns it, \`INPUT_SHAPE\` and \`CLASSES\` describe it |`,
    ...(about.weights
      ? [
          '| `weights.safetensors` | its `state_dict()` (safetensors format; metadata: `format: pt`, the project, where the weights come from) |',
        ]
      : []),
    '| `safetensors_io.py` | `load_file`, `save_file`, `load_metadata`: safetensors with torch alone (the `safetensors.torch` API) |',
    "| `train.py` | trains `model.py`'s network as CNN Studio does (its splits, augmentation, optimizers, schedule, early stopping), on one device or with `torchrun` |",
    "| `config.json` | `train.py`'s defaults: the hyperparameters, the dataset, the class names, the input, the normalisation |",
    '| `README.md` | this file |',
    '',
    '## Load the model',
    '',
    '```python',
    'from model import build_model',
    'from safetensors_io import load_file',
    '',
    'model = build_model().eval()',
    'model.load_state_dict(load_file("weights.safetensors"))',
    'logits = model(images)  # images: float32 (N, C, H, W), preprocessed as below',
    '```',
    '',
    `Input: float32 images of shape (N, ${channels}, ${height}, ${width}) (NCHW, as PyTorch's convolutions take them).`,
    `Output: the logits (N, ${plan.graph.classes}); \`logits.softmax(1)\` gives the probabilities, \`logits.argmax(1)\``,
    'the class.',
    '',
    '## Preprocessing',
    '',
    norm
      ? 'As in training: pixels 0–255 divided by 255, then per channel minus the mean and divided by the standard deviation of the training images:'
      : 'As in training: pixels 0–255 divided by 255 (no per-channel standardisation: mean 0, std 1 below).',
    '',
    `- mean: [${floats(mean)}]`,
    `- std: [${floats(std)}]`,
    '',
    '```python',
    'import torch',
    '',
    `MEAN = torch.tensor([${floats(mean)}])`,
    `STD = torch.tensor([${floats(std)}])`,
    `x = pixels.float() / 255  # uint8 (N, ${height}, ${width}, ${channels}), height × width × channels`,
    'images = ((x - MEAN) / STD).permute(0, 3, 1, 2)  # → (N, C, H, W)',
    '```',
    '',
    '## Classes',
    '',
    ...(classes
      ? [
          'In the order of the logits (also `CLASSES` in `model.py`):',
          '',
          ...classes.map((c, i) => `${i}. ${c}`),
        ]
      : [
          `Not recorded: the weights are not a trained run's. \`train.py\` takes the dataset's own names; the logits are numbered 0 to ${plan.graph.classes - 1}.`,
        ]),
    '',
    '## Train',
    '',
    '```sh',
    "python3 train.py                                # config.json's hyperparameters and dataset",
    'python3 train.py --device cuda                  # or mps, cpu; auto (the default) picks CUDA, then MPS, then the CPU',
    'python3 train.py --epochs 20 --lr 0.0005        # any hyperparameter changed by its flag (--help lists them)',
    'python3 train.py --weights weights.safetensors  # start from the exported weights instead of fresh ones',
    'torchrun --nproc_per_node N train.py            # N processes (DistributedDataParallel)',
    'python3 train.py --json                         # one JSON object per line on stdout',
    '```',
    '',
    ds
      ? `\`python3 train.py\` trains on ${ds.name} (\`${ds.kind}\`) at \`${ds.path}\`, where the exporting machine has it; elsewhere pass \`--data PATH --dataset-kind ${ds.kind}\`.`
      : "No dataset is set (the weights are not a trained run's): pass `--data PATH --dataset-kind idx|cifar10|folder|tensors` (MNIST-style IDX files, CIFAR-10's binary batches, a folder of class sub-folders of images, or a safetensors file of uint8 images).",
    '',
    `Hyperparameters (config.json; each has its flag, \`python3 train.py --help\`): ${Object.entries(h)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')}.`,
    '',
    'Checkpoints go to `checkpoints/` beside `train.py` (`--checkpoints DIR`), one `epoch-N.safetensors` and',
    'its optimizer state per epoch; `--resume-from DIR` continues from the latest. With `--json` the lines are',
    '`started`, `batch`, `epoch` (`trainLoss`, `trainAccuracy`, `valLoss`, `valAccuracy`, `learningRate`),',
    "`checkpoint`, `paused`, `resumed` and `done` (`status`, `message`, `test`: the test split's loss and accuracy",
    "with the best epoch's weights), for example:",
    '',
    '```json',
    '{"type":"epoch","epoch":1,"trainLoss":0.5,"trainAccuracy":0.81,"valLoss":0.41,"valAccuracy":0.85,"learningRate":0.001,"samplesPerSecond":5002.1}',
    '{"type":"done","status":"finished","message":null,"test":{"loss":0.33,"accuracy":0.88}}',
    '```',
    '',
    "Debian 12's PyTorch 1.13 under Python 3.11 ships a `torchrun` that fails before starting anything",
    "(`'NoneType' object has no attribute 'get'`); one process works there, or use PyTorch 2.x for `torchrun`.",
    '',
    '## Flatten order',
    '',
    'CNN Studio trains with TF.js, whose feature maps are channels-last (NHWC). ' +
      (about.flattensMaps
        ? 'Where this network flattens a feature map, `model.py` first permutes it to that order ' +
          '(`x.permute(0, 2, 3, 1)` before `torch.flatten`), so the trained weights of the `Linear` layer after it ' +
          'apply unchanged. Keep that permute if you edit the model: a plain `torch.flatten` of the NCHW map would ' +
          "feed that layer its inputs in another order (or permute that layer's weight columns to match)."
        : 'This network flattens no feature map (it pools to a vector first), so no layer depends on the order; ' +
          'where a model flattens one, CNN Studio permutes it to NHWC first (`x.permute(0, 2, 3, 1)`) so that the ' +
          "next `Linear` layer's trained weights apply unchanged."),
    '',
    '## How the weights map',
    '',
    "The keys are `model.state_dict()`'s (load them strictly). From CNN Studio's (TF.js) layouts:",
    '',
    '| layer | CNN Studio (TF.js) | PyTorch |',
    '| --- | --- | --- |',
    '| Conv2D kernel | [kh, kw, in, out] (HWIO) | `weight` [out, in, kh, kw] (OIHW) |',
    '| DepthwiseConv2D kernel | [kh, kw, C, M] | `weight` [C·M, 1, kh, kw], `groups = C` |',
    '| SeparableConv2D | depthwise and pointwise kernels | two convolutions, each as above |',
    '| Dense kernel | [in, out] | `Linear.weight` [out, in] (transposed) |',
    '| biases | [out] | `bias` [out] |',
    "| BatchNorm γ, β, moving mean, moving variance | [C] each | `weight`, `bias`, `running_mean`, `running_var`; `num_batches_tracked` 0; `momentum` = 1 − CNN Studio's, `eps` the same |",
    '',
    "'same' padding is TensorFlow's (the extra row and column at the bottom and right, through `F.pad`), so",
    'the model computes what CNN Studio computed; CNN Studio checks it against its TF.js model when it exports',
    'the folder (when PyTorch is installed on that machine).',
    '',
  ]
  return lines.join('\n')
}
