/**
 * The one way an error reaches a log: what kind of error, where it came from
 * and the codes an operator searches for - never the data it carries. A
 * failed query is the usual carrier: drizzle's message is "Failed query: <sql>
 * params: <the values>" (a youngster's words), postgres.js keeps `query` and
 * `parameters` on its error, PostgreSQL's `detail` says "Failing row contains
 * (...)" and its message quotes the value it refused; a grammY error keeps the
 * request `payload` (the text sent) and the update `ctx`. So fields are copied
 * by name from a short list, messages lose what could be data, and the stack
 * keeps its frames only (its first line repeats the message).
 */
export interface LoggedError {
  type: string;
  message: string;
  name?: string;
  code?: string | number;
  statusCode?: number | string;
  stack?: string;
  cause?: LoggedError;
  errors?: LoggedError[];
  [field: string]: unknown;
}

/** Fields that name a kind, a place or a number - never a value someone typed. */
const SAFE_FIELDS = [
  'code',
  'errno',
  'syscall',
  'statusCode',
  'status',
  // PostgreSQL (postgres.js names them so): which object refused and where in the server.
  'severity',
  'routine',
  'schema_name',
  'table_name',
  'column_name',
  'constraint_name',
  // grammY: the Bot API method and Telegram's own reason ("Bad Request: chat not found").
  'method',
  'error_code',
  'description',
] as const;

const MAX_MESSAGE = 500;
const MAX_DEPTH = 4;

export function serializeError(value: unknown): LoggedError {
  return serialize(value, 0);
}

function serialize(value: unknown, depth: number): LoggedError {
  if (!(value instanceof Error)) return { type: typeof value, message: '(a thrown value that is not an Error; left out)' };
  const err = value as Error & Record<string, unknown>;
  const out: LoggedError = { type: err.constructor?.name ?? 'Error', message: safeMessage(err) };
  if (err.name && err.name !== out.type) out.name = err.name;
  for (const field of SAFE_FIELDS) {
    const v = err[field];
    if (typeof v === 'number') out[field] = v;
    else if (typeof v === 'string' && v.length <= 200) out[field] = scrub(v);
  }
  // Boom (Baileys): the HTTP-like status says why a socket closed.
  const boomStatus = (err.output as { statusCode?: unknown } | undefined)?.statusCode;
  if (out.statusCode === undefined && typeof boomStatus === 'number') out.statusCode = boomStatus;
  const frames = typeof err.stack === 'string' ? err.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  if (frames.length) out.stack = frames.join('\n');
  if (depth < MAX_DEPTH) {
    // grammY wraps the original error as `error` (BotError, HttpError); everyone else as `cause`.
    const inner = err.cause ?? err.error;
    if (inner !== undefined && inner !== null) out.cause = serialize(inner, depth + 1);
    if (Array.isArray(err.errors)) out.errors = err.errors.slice(0, 5).map((e) => serialize(e, depth + 1));
  }
  return out;
}

function safeMessage(err: Error & Record<string, unknown>): string {
  const message = typeof err.message === 'string' ? err.message : '';
  // PostgreSQL's own words (postgres.js keeps the query beside them, which is left out): it quotes values.
  if (typeof err.severity === 'string' && typeof err.code === 'string') return scrub(message);
  // drizzle's DrizzleQueryError, and anything else that keeps a query and its values.
  if ('params' in err || 'parameters' in err) return 'query failed (its text and parameters are left out)';
  return scrub(message);
}

/**
 * A message with what could be someone's words taken out: a failed query from
 * where it starts, and every double-quoted part (PostgreSQL quotes the value
 * it refused, JSON.parse the text it could not read).
 */
export function scrub(message: string): string {
  const at = message.indexOf('Failed query:');
  const cut = at >= 0 ? `${message.slice(0, at)}Failed query (its text and parameters are left out)` : message.split('\nparams:')[0]!;
  const masked = cut.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  return masked.length > MAX_MESSAGE ? `${masked.slice(0, MAX_MESSAGE)}…` : masked;
}
