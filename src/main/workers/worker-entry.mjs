// A worker thread's entry when running from the TypeScript sources (cnn-studio, tests): a worker
// thread starts without the parent's tsx loader, so it registers tsx before importing the worker
// module named in workerData (spawn-worker.ts).
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.source)
