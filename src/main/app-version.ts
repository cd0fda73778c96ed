import pkg from '../../package.json' with { type: 'json' }

/** CNN Studio's version, from package.json (bundled in by Vite, read as JSON by tsx). */
export const APP_VERSION: string = pkg.version
