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

/**
 * A visit's moment was taken by someone else between showing and booking it: PostgreSQL's
 * exclusion constraint on visit_staff (23P01) refused an overlap for one of its staff members.
 * The caller offers new options ("net weg"); nothing was stored.
 */
export class SlotTakenError extends ConflictError {
  override name = 'SlotTakenError';
  constructor(readonly startsAt: Date) {
    super(`slot at ${startsAt.toISOString()} is taken`, 'slot_taken');
  }
}

/** A youngster has at most one upcoming booked visit: a second booking is refused (the caller moves the first instead). */
export class VisitAlreadyBookedError extends ConflictError {
  override name = 'VisitAlreadyBookedError';
  constructor(readonly visitId: string) {
    super(`youngster already has booked visit ${visitId}`, 'visit_already_booked');
  }
}

/**
 * A message status change the lifecycle does not allow (core/message-lifecycle.ts),
 * or one whose row was not in the state its caller relied on (e.g. marking sent
 * a claim another worker has taken over). Ids and statuses only, never text.
 */
export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly messageId: string,
    /** The row's status when the move was refused; 'absent' when the row is gone (erased). */
    readonly from: string,
    readonly to: string,
    /** What the caller relied on, e.g. 'sending, attempt 2'. */
    readonly expected?: string,
  ) {
    super(`message ${messageId}: ${from} -> ${to} refused${expected ? ` (expected ${expected})` : ''}`);
  }
}
