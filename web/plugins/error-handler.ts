import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError, NotFoundError, type RefusalVars } from '../../core/errors.js';
import { isYoungsterPath, sendYoungsterError } from '../../bot/http-routes.js';
import { refusalText, type RefusalCode } from '../../templates/staff/index.js';
import { staffLanguageOf } from './views.js';

interface Classified {
  status: number;
  code: string;
  vars: RefusalVars;
  /** Shown instead of the code's own text. */
  text?: RefusalCode;
}

function fallbackFor(status: number): RefusalCode {
  if (status === 404) return 'not_found';
  if (status === 403) return 'forbidden';
  if (status === 413) return 'too_large';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'internal' : 'bad_request';
}

function classify(err: FastifyError | Error): Classified {
  const refused = (status: number, code: string, vars: RefusalVars = {}) => ({ status, code, vars });
  if (err instanceof InputError) return refused(err.statusCode, err.code, err.vars);
  if (err instanceof NotFoundError) return refused(404, 'not_found');
  if (err instanceof ConflictError) return refused(409, err.code, err.vars);
  const fe = err as FastifyError;
  if (fe.validation) return refused(400, 'invalid_input');
  if (fe.code === 'FST_CSRF_INVALID_TOKEN' || fe.code === 'FST_CSRF_MISSING_SECRET') return refused(403, 'csrf');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return refused(fe.statusCode, fe.code ?? 'bad_request');
  return refused(500, 'internal');
}

/**
 * The HTTP runtime's one error sink. Clients get a clear status, the code and
 * a short reason in their language (JSON for API calls, a page for browsers);
 * the log gets the error through the logger's serializer (no query text or
 * values, no request body) and the route it failed on.
 */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const c = classify(err);
    if (c.status >= 500) req.log.error({ err, method: req.method, route: req.routeOptions.url }, 'request failed');
    else req.log.info({ code: c.code, status: c.status, route: req.routeOptions.url }, 'request refused');
    return sendError(req, reply, c);
  });

  app.setNotFoundHandler((req, reply) => sendError(req, reply, { status: 404, code: 'not_found', vars: {}, text: 'page_not_found' }));
}

function wantsJson(req: FastifyRequest) {
  const accept = req.headers.accept ?? '';
  return !accept.includes('text/html') || req.headers['content-type']?.startsWith('application/json') === true;
}

function sendError(req: FastifyRequest, reply: FastifyReply, c: Classified) {
  reply.code(c.status);
  if (isYoungsterPath(req.url)) return sendYoungsterError(req, reply, { code: c.code, json: wantsJson(req) });
  // A code without a text of its own (Fastify's, say) gets the general one for its status.
  const message = refusalText(staffLanguageOf(req), c.text ?? c.code, c.vars, fallbackFor(c.status));
  if (wantsJson(req)) return reply.send({ error: c.code, message });
  return reply.view('staff/error.eta', { status: c.status, message, staff: null });
}
