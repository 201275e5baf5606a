import { DrizzleQueryError } from 'drizzle-orm';
import { BotError, GrammyError, HttpError } from 'grammy';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { scrub, serializeError } from '../../core/log-error.js';
import { createLogger } from '../../core/logger.js';

/** What someone typed, in every shape an error can carry it. */
const WORDS = 'ik heet Fenneke en woon op de Zwanenburgstraat 12';

function pgError() {
  return new postgres.PostgresError({
    message: `invalid input syntax for type uuid: "${WORDS}"`,
    code: '22P02',
    severity: 'ERROR',
    detail: `Failing row contains (${WORDS})`,
    where: `unnamed portal parameter $1 = '${WORDS}'`,
    routine: 'string_to_uuid',
  } as never);
}

function logged(err: unknown): string {
  const lines: string[] = [];
  createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } }).error({ err }, 'failed');
  return lines.join('');
}

describe('the error serializer', () => {
  it("keeps a failed query's codes and names, not its text, values or PostgreSQL's detail", () => {
    const err = new DrizzleQueryError('insert into "messages" ("body") values ($1)', [WORDS], pgError());
    const out = serializeError(err);
    expect(out.type).toBe('DrizzleQueryError');
    expect(out.cause).toMatchObject({ type: 'PostgresError', code: '22P02', severity: 'ERROR', routine: 'string_to_uuid' });
    expect(out.cause?.message).toBe('invalid input syntax for type uuid: "…"');
    expect(JSON.stringify(out)).not.toContain('Zwanenburg');
    expect(JSON.stringify(out)).not.toContain('insert into');
    expect(logged(err)).not.toContain('Zwanenburg');
  });

  it("leaves out grammY's update (BotError.ctx) and request payload (GrammyError.payload)", () => {
    const api = new GrammyError('Call to \'sendMessage\' failed!', { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }, 'sendMessage', { chat_id: 918273645, text: WORDS });
    const bot = new BotError(api, { update: { message: { text: WORDS, chat: { id: 918273645 } } } } as never);
    const out = serializeError(bot);
    expect(out.type).toBe('BotError');
    expect(out.cause).toMatchObject({ type: 'GrammyError', method: 'sendMessage', error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const text = logged(bot);
    expect(text).not.toContain('Zwanenburg');
    expect(text).not.toContain('918273645');
  });

  it('masks quoted text in any message (JSON.parse quotes what it could not read) and follows wrapped errors', () => {
    let parseError: unknown;
    try {
      JSON.parse(`"${WORDS}`);
    } catch (e) {
      parseError = e;
    }
    const network = new HttpError("Network request for 'getUpdates' failed!", parseError);
    const all = new AggregateError([network, new Error(`Failed query: select $1\nparams: ${WORDS}`)], 'several');
    const text = logged(all);
    expect(text).not.toContain('Zwanenburg');
    const out = serializeError(all);
    expect(out.errors?.[0]).toMatchObject({ type: 'HttpError', message: "Network request for 'getUpdates' failed!", cause: { type: 'SyntaxError' } });
    expect(out.errors?.[1]?.message).toBe('Failed query (its text and parameters are left out)');
  });

  it('keeps frames but not the first line of a stack (it repeats the message)', () => {
    const out = serializeError(new Error(`refused: "${WORDS}"`));
    expect(out.stack).toBeDefined();
    expect(out.stack).not.toContain('Zwanenburg');
    expect(out.stack!.split('\n').every((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('says only the kind of a thrown value that is not an Error, and the status of a Boom', () => {
    expect(serializeError(WORDS)).toEqual({ type: 'string', message: '(a thrown value that is not an Error; left out)' });
    const boom = Object.assign(new Error('Connection Closed'), { output: { statusCode: 428, payload: { message: WORDS } }, data: WORDS });
    expect(serializeError(boom)).toMatchObject({ message: 'Connection Closed', statusCode: 428 });
    expect(logged(boom)).not.toContain('Zwanenburg');
  });

  it('cuts drizzle-style messages at the query and masks quoted values', () => {
    expect(scrub(`Error in middleware: Failed query: insert into x values ($1)\nparams: ${WORDS}`)).toBe(
      'Error in middleware: Failed query (its text and parameters are left out)',
    );
    expect(scrub(`value "${WORDS}" refused`)).toBe('value "…" refused');
  });
});
