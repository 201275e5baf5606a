import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError } from '../../core/errors.js';
import type { MunicipalityExit } from '../domain/municipality-exit.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface AdminExitDeps {
  exit: MunicipalityExit;
}

const PATH = '/admin/team/municipalities/:id/exit';
const eraseBody = {
  type: 'object',
  additionalProperties: false,
  properties: { _csrf: { type: 'string' }, confirm: { type: 'string', maxLength: 200 } },
} as const;

/**
 * A municipality's contract ends: the page says what will happen, the export
 * downloads the running dossiers (logged), and the erase - after the export,
 * with the municipality's name typed - requests the erasure of everyone in it.
 * Only a municipality of the admin's own team (else 404).
 */
export const adminExitRoutes: FastifyPluginAsync<AdminExitDeps> = async (app, deps) => {
  const { exit } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });

  async function page(req: FastifyRequest, reply: FastifyReply, id: string, error: string | null) {
    const ui = uiOf(req);
    const p = await exit.preview(staffOf(req), id);
    return reply.view('staff/admin-exit.eta', {
      staff: staffOf(req),
      csrf: reply.csrfToken(),
      ...p,
      done: p.municipality.exitedAt ? ui.t('exit.done', { municipality: p.municipality.name, date: ui.dateTime(p.municipality.exitedAt) }) : null,
      error,
    });
  }

  app.get<{ Params: { id: string } }>(PATH, { schema: { params: uuidParam } }, async (req, reply) => page(req, reply, req.params.id, null));

  app.get<{ Params: { id: string } }>(
    `${PATH}/export.json`,
    { schema: { params: uuidParam }, config: { audit: { action: 'municipality.exit_export', object: 'municipality' } } },
    async (req, reply) => {
      const file = await exit.exportDossiers(staffOf(req), req.params.id);
      reply.header('content-disposition', `attachment; filename="lijntje-dossiers-${req.params.id}.json"`);
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(file, null, 2));
    },
  );

  app.post<{ Params: { id: string }; Body: { confirm?: string } }>(
    `${PATH}/erase`,
    {
      preHandler: app.csrfProtection,
      bodyLimit: 4 * 1024,
      schema: { params: uuidParam, body: eraseBody },
      config: { audit: { action: 'municipality.exit_erase', object: 'municipality' } },
    },
    async (req, reply) => {
      try {
        const result = await exit.erase(staffOf(req), req.params.id, req.body?.confirm);
        if (postedJson(req)) return reply.send({ result });
        return reply.redirect(`/admin/team/municipalities/${req.params.id}/exit`, 303);
      } catch (err) {
        if (!(err instanceof InputError) && !(err instanceof ConflictError)) throw err;
        const message = uiOf(req).refusal(err.code, err.vars);
        reply.code(err instanceof ConflictError ? 409 : 400);
        if (postedJson(req)) return reply.send({ error: err.code, message });
        return page(req, reply, req.params.id, message);
      }
    },
  );
};
