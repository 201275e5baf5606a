/**
 * The few named errors of Lijntje. Each carries the context an operator needs,
 * never personal data (no message text, names or contact ids).
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Input from outside (a youngster, a staff form, a webhook) that we refuse. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly code: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/** Something that does not exist, or that the caller may not see (we do not tell which). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  readonly statusCode = 404;
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** A state transition that is not allowed right now. */
export class ConflictError extends Error {
  override name = 'ConflictError';
  readonly statusCode = 409;
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
