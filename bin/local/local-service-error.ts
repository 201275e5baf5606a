/**
 * A local service (embedded PostgreSQL, redis-server) cannot be had. The
 * message is one paragraph for a person - what is missing and what to do - and
 * is printed without a stack trace.
 */
export class LocalServiceError extends Error {
  override name = 'LocalServiceError';
  constructor(message: string) {
    super(message);
    // Printed as is wherever it surfaces (the demo's console, vitest's global setup).
    this.stack = message;
  }
}
