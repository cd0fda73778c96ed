/**
 * A failure the user can act on (a sample index out of range, a node the run's graph lacks, a
 * missing dataset, an image that is not PNG or JPEG): the service answers it as `invalid`.
 */
export class InsightError extends Error {}
