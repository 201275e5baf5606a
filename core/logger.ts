import { pino, type DestinationStream, type Logger } from 'pino';
import { serializeError } from './log-error.js';

/**
 * Logs must never carry personal data. Besides not logging it in the first place,
 * these paths are redacted as a safety net (request bodies, cookies, message text,
 * and a query's text and values should an error be logged under another key
 * than `err`, where serializeError does not see it).
 */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'res.headers["set-cookie"]',
  'body',
  'text',
  'password',
  '*.body',
  '*.text',
  '*.password',
  '*.query',
  '*.params',
  '*.parameters',
  '*.payload',
  '*.detail',
];

/**
 * Card links are bearer keys to a youngster's chat, invitation links to a staff
 * account: request logs show the route shape, never the token or query.
 */
export function scrubUrl(url: string): string {
  return url
    .replace(/\/k\/[^/?#]+/, '/k/:token')
    .replace(/^\/invite\/[^/?#]+/, '/invite/:token')
    .replace(/[?#].*$/, '');
}

interface LoggableRequest {
  method?: string;
  url?: string;
  id?: string;
}

/** `destination` defaults to stdout; the demo sends requests to a file (bin/demo-logger.ts). */
export function createLogger(opts: { level: string; name?: string; destination?: DestinationStream }): Logger {
  return pino({
    level: opts.level,
    name: opts.name ?? 'lijntje',
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: {
      // Every error, wherever it is logged (HTTP, workers, channels, start-up): see core/log-error.ts.
      err: serializeError,
      // No headers, no remote address: nothing that identifies a youngster's device.
      req: (req: LoggableRequest) => ({ id: req.id, method: req.method, url: req.url ? scrubUrl(req.url) : undefined }),
    },
  }, opts.destination);
}

export type { Logger };
