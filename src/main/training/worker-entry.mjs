// The training worker's entry when running from the TypeScript sources (cnn-studio, tests): a
// worker thread starts without the parent's tsx loader, so it registers tsx before importing.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
