/**
 * The few named errors of Lijntje. Each carries the context an operator needs,
 * never personal data (no message text, names or contact ids).
 *
 * A refusal (InputError, ConflictError) carries a `code` and the values its
 * text needs (`vars`); what a person reads comes from the templates in their
 * language (staff: templates/staff `refusalsNl`, youngsters: templates/texts),
 * chosen where the request is answered. The message is for logs and developers.
 */
export type RefusalVars = Record<string, string | number>;

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
    readonly vars: RefusalVars = {},
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
    readonly vars: RefusalVars = {},
  ) {
    super(message);
  }
}
