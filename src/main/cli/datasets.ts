import { BUILTIN_DATASETS, type BuiltinDataset } from '../../shared/api/training'
import { isBuiltinDataset } from '../../shared/training/dataset-id'
import { resolveDataDir } from '../data-dir'
import { BUILTINS, download, importLocal, locate } from '../datasets/catalog'
import { DatasetFileError } from '../datasets/idx'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'

const help = `Usage: cnn-studio datasets [--data DIR]
       cnn-studio datasets download <${BUILTIN_DATASETS.join(' | ')}> [--data DIR]
       cnn-studio datasets import <${BUILTIN_DATASETS.join(' | ')}> <folder | cifar-10-binary.tar.gz> [--data DIR]

Lists the built-in datasets and where each is on this machine; downloads one from its canonical
source (checking its published checksum); or imports files you already have, after checking that
they parse. Datasets are kept in DIR/datasets/ (DIR: --data, else $CNN_STUDIO_DATA, else the user
data folder); Debian's Fashion-MNIST (apt-get install dataset-fashion-mnist) is found as it is.`

export const command: CliCommand = {
  help,
  options: { data: { type: 'string' } },
  positionals: [0, 3],
  run: (v, p, io) => datasets(p, resolveDataDir({ flag: v.data as string | undefined }), io),
}

function builtin(id: string | undefined): BuiltinDataset {
  if (!id || !isBuiltinDataset(id))
    throw new UsageError(`Name a built-in dataset: ${BUILTIN_DATASETS.join(', ')}.`)
  return id as BuiltinDataset
}

async function datasets([action, id, source]: string[], dataDir: string, io: CliIo): Promise<number> {
  try {
    if (!action) {
      for (const d of BUILTIN_DATASETS) {
        const where = locate(d, dataDir)
        io.out(`${d.padEnd(14)} ${where ?? `not here (cnn-studio datasets download ${d})`}`)
      }
      return EXIT.ok
    }
    if (action === 'download') {
      const d = builtin(id)
      const tty = process.stderr.isTTY === true
      const where = await download(d, dataDir, {
        onProgress: ({ file, bytes, total }) => {
          if (!tty) return
          const mb = (n: number) => (n / 2 ** 20).toFixed(1)
          process.stderr.write(`\r${file}: ${mb(bytes)}${total ? ` / ${mb(total)}` : ''} MB`)
        },
      })
      if (tty) process.stderr.write('\n')
      io.out(`${BUILTINS[d].name} is in ${where} (checksums verified).`)
      return EXIT.ok
    }
    if (action === 'import') {
      const d = builtin(id)
      if (!source) throw new UsageError('Give the folder (or cifar-10-binary.tar.gz) to import from.')
      io.out(`${BUILTINS[d].name} imported into ${importLocal(d, source, dataDir)}.`)
      return EXIT.ok
    }
    throw new UsageError(`Unknown action '${action}': use download or import.`)
  } catch (e) {
    if (e instanceof DatasetFileError) {
      io.err(`cnn-studio datasets: ${e.message}`)
      return EXIT.usage
    }
    throw e
  }
}
