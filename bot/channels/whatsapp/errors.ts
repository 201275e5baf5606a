/** Reading Baileys errors, and logging errors without personal data. */

/** Baileys closes with a Boom error; its HTTP-like status code says why. */
export function disconnectCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const output = (error as { output?: { statusCode?: unknown } }).output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

/** Log errors without message text: drizzle appends query params (the youngster's words) to its messages. */
export function safeErr(err: unknown) {
  if (!(err instanceof Error)) return { message: String(err).slice(0, 200) };
  return { name: err.name, message: err.message.split('\nparams:')[0]?.slice(0, 500) };
}
