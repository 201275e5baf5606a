import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import type { AccessExport } from '../domain/access-export.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { exportJson, exportTables, personFields } from './access-export-view.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface PrivacyDeps {
  accessExport: AccessExport;
}

const searchBody = {
  type: 'object',
  additionalProperties: false,
  properties: { _csrf: { type: 'string' }, name: { type: 'string', maxLength: 100 }, birthDate: { type: 'string', maxLength: 10 } },
} as const;

const EXPORT_AUDIT = { audit: { action: 'youngster.export', object: 'youngster' } } as const;

/**
 * The privacy officer's access requests (GDPR art. 15): find a youngster of the
 * team's municipalities (POST: the name stays out of URLs and logs), then their
 * dossier as a printable page or a JSON file. Out of scope is a 404, like
 * everywhere. Nothing here is cached by a browser or proxy.
 */
export const privacyRoutes: FastifyPluginAsync<PrivacyDeps> = async (app, deps) => {
  const { accessExport } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('privacy_officer'));
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });

  function page(req: FastifyRequest, reply: FastifyReply, view: { query?: { name: string | null; birthDate: string | null }; results?: unknown[] | null; error?: string | null }) {
    return reply.view('staff/privacy.eta', {
      staff: staffOf(req),
      csrf: reply.csrfToken(),
      query: view.query ?? { name: null, birthDate: null },
      results: view.results ?? null,
      error: view.error ?? null,
    });
  }

  app.get('/privacy/requests', async (req, reply) => page(req, reply, {}));

  app.post<{ Body: { name?: string; birthDate?: string } }>(
    '/privacy/requests',
    { preHandler: app.csrfProtection, bodyLimit: 4 * 1024, schema: { body: searchBody }, config: { audit: { action: 'youngster.search' } } },
    async (req, reply) => {
      try {
        const found = await accessExport.search(staffOf(req), req.body ?? {});
        if (postedJson(req)) return reply.send({ results: found.results });
        return page(req, reply, found);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        const message = uiOf(req).refusal(err.code, err.vars);
        reply.code(400);
        if (postedJson(req)) return reply.send({ error: err.code, message });
        const typed = { name: req.body?.name?.slice(0, 100) ?? null, birthDate: req.body?.birthDate?.slice(0, 10) ?? null };
        return page(req, reply, { query: typed, error: message });
      }
    },
  );

  app.get<{ Params: { id: string } }>('/privacy/youngsters/:id/export.html', { schema: { params: uuidParam }, config: EXPORT_AUDIT }, async (req, reply) => {
    const staff = staffOf(req);
    const ui = uiOf(req);
    const d = await accessExport.dossier(staff, req.params.id);
    const y = d.youngster;
    return reply.view('staff/privacy-export.eta', {
      staff,
      csrf: reply.csrfToken(),
      youngsterId: y.id,
      name: [y.firstName, y.namePrefix, y.lastName].filter(Boolean).join(' '),
      made: ui.t('export.made', { date: ui.dateTime(new Date()), staff: staff.name, team: staff.teamName, municipality: d.municipality }),
      person: personFields(ui, d),
      tables: exportTables(ui, d),
    });
  });

  app.get<{ Params: { id: string } }>('/privacy/youngsters/:id/export.json', { schema: { params: uuidParam }, config: EXPORT_AUDIT }, async (req, reply) => {
    const staff = staffOf(req);
    const d = await accessExport.dossier(staff, req.params.id);
    // The file name carries the random id only, never the person's name.
    reply.header('content-disposition', `attachment; filename="inzage-${d.youngster.id}.json"`);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(exportJson(uiOf(req), d, staff, new Date()), null, 2));
  });
};
