/** The text to show for a failed call: an ApiError's message, or whatever was thrown. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))
