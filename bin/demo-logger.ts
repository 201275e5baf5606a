import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { pino, type DestinationStream } from 'pino';
import { createLogger, type Logger } from '../core/logger.js';

/**
 * The demo's console is for a person: the logins, the card links, and what
 * goes wrong. Every log line (requests included) goes to `file`; warnings and
 * errors also reach the console, as one readable line each.
 */
export function createDemoLogger(opts: { level: string; file: string }): Logger {
  mkdirSync(dirname(opts.file), { recursive: true });
  const streams = pino.multistream([
    { level: opts.level as pino.Level, stream: pino.destination({ dest: opts.file, append: true, sync: true }) },
    { level: 'warn', stream: consoleLines() },
  ]);
  return createLogger({ level: opts.level, destination: streams });
}

const LEVELS: Record<number, string> = { 40: 'warning', 50: 'error', 60: 'fatal' };

function consoleLines(): DestinationStream {
  return {
    write(line: string) {
      try {
        const o = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
        const detail = o.err?.message ? ` (${o.err.message})` : '';
        process.stderr.write(`${LEVELS[o.level] ?? 'log'}: ${o.msg ?? ''}${detail}\n`);
      } catch {
        process.stderr.write(line);
      }
    },
  };
}
