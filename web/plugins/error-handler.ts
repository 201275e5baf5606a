import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError, NotFoundError } from '../../core/errors.js';
import { translator } from '../../templates/texts/index.js';
import { pickLanguage } from '../../bot/webchat/language.js';

interface Classified {
  status: number;
  code: string;
  message: string;
}

function classify(err: FastifyError | Error): Classified {
  if (err instanceof InputError) return { status: err.statusCode, code: err.code, message: err.message };
  if (err instanceof NotFoundError) return { status: 404, code: 'not_found', message: 'Niet gevonden' };
  if (err instanceof ConflictError) return { status: 409, code: err.code, message: err.message };
  const fe = err as FastifyError;
  if (fe.validation) return { status: 400, code: 'invalid_input', message: fe.message };
  if (fe.code === 'FST_CSRF_INVALID_TOKEN' || fe.code === 'FST_CSRF_MISSING_SECRET') {
    return { status: 403, code: 'csrf', message: 'De pagina is verlopen. Laad haar opnieuw en probeer het nog eens.' };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: fe.code ?? 'bad_request', message: fe.message };
  }
  return { status: 500, code: 'internal', message: 'Er ging iets mis aan onze kant. Probeer het zo nog eens.' };
}

/**
 * The HTTP runtime's one error sink. Clients get a clear status and a short
 * reason (JSON for API calls, a page for browsers); logs get the error without
 * request bodies (pino redaction covers the rest).
 */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const c = classify(err);
    if (c.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: c.code, status: c.status }, 'request refused');
    return sendError(req, reply, c);
  });

  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, { status: 404, code: 'not_found', message: 'Deze pagina bestaat niet.' }),
  );
}

function wantsJson(req: FastifyRequest) {
  const accept = req.headers.accept ?? '';
  return !accept.includes('text/html') || req.headers['content-type']?.startsWith('application/json') === true;
}

function sendError(req: FastifyRequest, reply: FastifyReply, c: Classified) {
  reply.code(c.status);
  if (wantsJson(req)) return reply.send({ error: c.code, message: c.message });
  if (req.url.startsWith('/k/')) {
    // A youngster never sees a technical error page: same calm text as for an unknown card.
    const lang = pickLanguage(req);
    return reply.view('chat/not-found.eta', { t: translator(lang), lang });
  }
  return reply.view('staff/error.eta', { status: c.status, message: c.message, staff: null });
}
