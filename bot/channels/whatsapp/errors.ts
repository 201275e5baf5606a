/** Reading Baileys errors (logging them is core/log-error.ts's job, like every error's). */

/** Baileys closes with a Boom error; its HTTP-like status code says why. */
export function disconnectCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const output = (error as { output?: { statusCode?: unknown } }).output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

