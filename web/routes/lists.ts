import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import { LIST_FIELDS, ListFileRefused, MAX_LIST_BYTES, rejectedRowsCsv, type ColumnMapping } from '../../core/list-file/index.js';
import type { Database } from '../../db/client.js';
import { listImportCards } from '../../db/queries/cards.js';
import { listTeamBatches } from '../../db/queries/card-batches.js';
import { findTeamImport, listTeamImports } from '../../db/queries/list-import.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { listImportText } from '../../templates/staff/list-import.js';
import { CARD_LAYOUTS, type CardBatches, type CardLayoutChoice } from '../domain/card-batches.js';
import { currentListMonth, listDateOf, type ImportPlan, type ListImport } from '../domain/list-import.js';
import type { ListUploads, UploadState } from '../domain/list-uploads.js';
import { noteAudit } from '../plugins/audit.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { staffLanguageOf, uiOf } from '../plugins/views.js';
import { staffOf, uuidParam } from './route-helpers.js';

export interface ListRoutesDeps {
  database: Database;
  listImport: ListImport;
  uploads: ListUploads;
  cardBatches: CardBatches;
}

/** How many rows of each table the preview shows; the rest is counted (and downloadable after the import). */
const SHOWN = 300;
const uploadParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } } } as const;
const previewBody = {
  type: 'object',
  properties: { _csrf: { type: 'string' }, month: { type: 'string', maxLength: 16 }, baseline: { type: 'string', maxLength: 8 }, action: { type: 'string', enum: ['refresh', 'import', 'cancel'] } },
  patternProperties: { '^map_[A-Za-z]{1,32}$': { type: 'string', maxLength: 200 }, '^assign_[0-9]{1,6}$': { type: 'string', maxLength: 64 }, '^approve_[0-9]{1,6}$': { type: 'string', maxLength: 8 } },
  additionalProperties: false,
} as const;
const cardsBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string' },
    layout: { type: 'string', enum: [...CARD_LAYOUTS] },
    addressSheets: { type: 'string', maxLength: 8 },
    language: { type: 'string', enum: ['nl', 'en'] },
  },
  additionalProperties: false,
} as const;

/**
 * Steps 1 and 2 for coordinators (and admins) of a team: upload the monthly
 * list -> preview (nothing stored) -> import -> result with the rejected rows
 * -> card PDFs with a progress bar -> download. Everything is read through the
 * team: another team's import, batch or upload is a 404.
 */
function notServedCounts(plan: ImportPlan): { name: string; rows: number }[] {
  const byName = new Map<string, number>();
  for (const e of plan.errors) {
    if (e.code !== 'municipality_not_served') continue;
    const name = String(e.vars?.name ?? '');
    byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  return [...byName].map(([name, rows]) => ({ name, rows })).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
}

export const listRoutes: FastifyPluginAsync<ListRoutesDeps> = async (app, deps) => {
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('coordinator', 'admin'));
  // The form's fields arrive with the file, so the CSRF check (preHandler) sees _csrf in the body.
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: MAX_LIST_BYTES + 1, files: 1, fields: 8, parts: 10 } });
  const { db } = deps.database;

  async function listsPage(req: FastifyRequest, reply: FastifyReply, view: { error: string | null; month?: string; baseline?: boolean }) {
    const staff = staffOf(req);
    const imports = await listTeamImports(db, staff.teamId);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/lists.eta', {
      staff,
      csrf: reply.csrfToken(),
      error: view.error,
      month: view.month ?? currentListMonth(new Date()),
      baseline: view.baseline ?? false,
      imports,
    });
  }

  app.get('/lists', async (req, reply) => listsPage(req, reply, { error: null }));

  app.post<{ Body: Record<string, unknown> }>('/lists/upload', { preHandler: app.csrfProtection, bodyLimit: MAX_LIST_BYTES + 64 * 1024, config: { audit: { action: 'list.upload', object: 'upload' } } }, async (req, reply) => {
    const staff = staffOf(req);
    const lang = staffLanguageOf(req);
    const body = req.body ?? {};
    const month = typeof body.month === 'string' ? body.month : currentListMonth(new Date());
    const baseline = body.baseline === '1';
    const file = body.file;
    if (!Buffer.isBuffer(file) || file.length === 0) return listsPage(req, reply.code(400), { error: uiOf(req).refusal('upload_missing'), month, baseline });
    const listDate = listDateOf(month);
    if (!listDate) return listsPage(req, reply.code(400), { error: uiOf(req).refusal('list_month_invalid'), month, baseline });
    try {
      await deps.listImport.read(staff.teamId, file, { listDate });
    } catch (err) {
      if (!(err instanceof ListFileRefused)) throw err;
      // Columns a mapping can mend go on to the preview, which asks for it; anything else is refused here.
      if (!err.columns) return listsPage(req, reply.code(422), { error: listImportText(lang, err.code, err.vars), month, baseline });
    }
    const id = await deps.uploads.put({ staffId: staff.id, teamId: staff.teamId, listMonth: listDate, baseline, mapping: null, assign: {}, file: file.toString('base64') });
    noteAudit(req, { objectId: id });
    return reply.redirect(`/lists/preview/${id}`, 303);
  });

  async function planOf(staff: StaffPrincipal, state: UploadState): Promise<ImportPlan> {
    const bytes = Buffer.from(state.file, 'base64');
    const file = await deps.listImport.read(staff.teamId, bytes, { listDate: state.listMonth, mapping: (state.mapping ?? undefined) as ColumnMapping | undefined });
    return deps.listImport.plan(staff.teamId, file, { listMonth: state.listMonth, baseline: state.baseline, assign: state.assign, approveHeldBack: state.approveHeldBack ?? [] });
  }

  async function previewPage(req: FastifyRequest, reply: FastifyReply, id: string, state: UploadState, error: string | null) {
    const staff = staffOf(req);
    const lang = staffLanguageOf(req);
    let plan: ImportPlan;
    try {
      plan = await planOf(staff, state);
    } catch (err) {
      if (!(err instanceof ListFileRefused)) throw err;
      const message = listImportText(lang, err.code, err.vars);
      if (!err.columns) {
        await deps.uploads.drop(id);
        return listsPage(req, reply.code(422), { error: message });
      }
      // Only the columns: the coordinator maps them, then sees the real preview.
      reply.code(422).header('cache-control', 'no-store');
      return reply.view('staff/list-mapping.eta', { staff, csrf: reply.csrfToken(), error: message, id, month: state.listMonth.slice(0, 7), baseline: state.baseline, file: err.columns, fields: LIST_FIELDS });
    }
    const approach = plan.rows.filter((r) => r.decision === 'approach');
    const approved = new Set(state.approveHeldBack ?? []);
    // Held back, or held back and approved by the coordinator: both stay on the list so the choice can be undone.
    const heldBack = plan.rows.filter((r) => r.decision === 'held_back' || approved.has(r.row.row));
    const ownErrors = plan.errors.filter((e) => e.code !== 'municipality_not_served');
    reply.header('cache-control', 'no-store');
    return reply.view('staff/list-preview.eta', {
      staff,
      csrf: reply.csrfToken(),
      error,
      id,
      month: state.listMonth.slice(0, 7),
      baseline: state.baseline,
      file: plan.file,
      fields: LIST_FIELDS,
      // Fields the file has no column for: a missing "nieuwe instroom" would quietly approach nobody.
      unmapped: LIST_FIELDS.filter((f) => !plan.file.mapping[f]),
      firstListOf: plan.firstListOf,
      perMunicipality: plan.perMunicipality,
      duplicates: plan.file.duplicates.length,
      // Rows of municipalities the team does not serve (a region's list holds them all) are counted per municipality, not listed.
      notServed: notServedCounts(plan),
      errors: ownErrors.slice(0, SHOWN).map((e) => ({ ...e, message: listImportText(lang, e.code, e.vars ?? {}) })),
      moreErrors: Math.max(0, ownErrors.length - SHOWN),
      errorCount: new Set(ownErrors.map((e) => e.row)).size,
      approach: approach.slice(0, SHOWN).map((r) => ({
        row: r.row.row,
        name: [r.row.firstName, r.row.namePrefix, r.row.lastName].filter(Boolean).join(' '),
        municipality: r.municipality.name,
        variant: r.variant,
        casemanagerId: r.casemanagerId,
      })),
      approachCount: approach.length,
      heldBack: heldBack.map((r) => ({
        row: r.row.row,
        name: [r.row.firstName, r.row.namePrefix, r.row.lastName].filter(Boolean).join(' '),
        municipality: r.municipality.name,
        approved: approved.has(r.row.row),
      })),
      moreApproach: Math.max(0, approach.length - SHOWN),
      casemanagers: plan.casemanagers,
    });
  }

  app.get<{ Params: { id: string } }>('/lists/preview/:id', { schema: { params: uploadParam }, config: { audit: { action: 'list.preview', object: 'upload' } } }, async (req, reply) => {
    const state = await deps.uploads.get(req.params.id, staffOf(req).id);
    if (!state) return listsPage(req, reply.code(404), { error: uiOf(req).t('lists.uploadGone') });
    return previewPage(req, reply, req.params.id, state, null);
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> }>(
    '/lists/preview/:id',
    { preHandler: app.csrfProtection, bodyLimit: 256 * 1024, schema: { params: uploadParam, body: previewBody }, config: { audit: { action: 'list.import', object: 'upload' } } },
    async (req, reply) => {
      const staff = staffOf(req);
      const state = await deps.uploads.get(req.params.id, staff.id);
      if (!state) return listsPage(req, reply.code(404), { error: uiOf(req).t('lists.uploadGone') });
      const body = req.body ?? {};
      noteAudit(req, { detail: { step: body.action ?? 'refresh' } });
      if (body.action === 'cancel') {
        await deps.uploads.drop(req.params.id);
        return reply.redirect('/lists', 303);
      }
      const listDate = body.month ? listDateOf(body.month) : state.listMonth;
      if (!listDate) return previewPage(req, reply.code(400), req.params.id, state, uiOf(req).refusal('list_month_invalid'));
      const mapping: Record<string, string> = {};
      for (const field of LIST_FIELDS) {
        const v = body[`map_${field}`];
        if (typeof v === 'string' && v !== '') mapping[field] = v;
      }
      const assign: Record<number, string> = { ...state.assign };
      for (const [k, v] of Object.entries(body)) if (k.startsWith('assign_') && v) assign[Number(k.slice(7))] = v;
      // Checkboxes: what this form sends is the whole choice (an unticked box sends nothing).
      const approveHeldBack = Object.entries(body).flatMap(([k, v]) => (k.startsWith('approve_') && v === '1' ? [Number(k.slice(8))] : []));
      const next: UploadState = { ...state, listMonth: listDate, baseline: body.baseline === '1', mapping: Object.keys(mapping).length ? mapping : state.mapping, assign, approveHeldBack };
      await deps.uploads.update(req.params.id, next);
      if (body.action !== 'import') return reply.redirect(`/lists/preview/${req.params.id}`, 303);

      const plan = await planOf(staff, next);
      const result = await deps.listImport.commit(staff.teamId, plan, { staffId: staff.id });
      const lang = staffLanguageOf(req);
      await deps.uploads.putRejected(result.importId!, rejectedRowsCsv({ ...plan.file, rejectedRows: plan.rejectedRows, errors: plan.errors }, lang, (e) => listImportText(lang, e.code, e.vars ?? {})));
      await deps.uploads.drop(req.params.id);
      return reply.redirect(`/lists/imports/${result.importId}`, 303);
    },
  );

  app.get<{ Params: { id: string } }>('/lists/imports/:id', { schema: { params: uuidParam }, config: { audit: { action: 'list.result', object: 'import' } } }, async (req, reply) => {
    const staff = staffOf(req);
    const imported = await findTeamImport(db, staff.teamId, req.params.id);
    if (!imported) throw new InputError('list import not found', 'not_found', 404);
    const [cards, batches, rejected] = await Promise.all([
      listImportCards(db, staff.teamId, imported.id),
      listTeamBatches(db, staff.teamId, { listImportId: imported.id }),
      deps.uploads.getRejected(imported.id),
    ]);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/list-import.eta', { staff, csrf: reply.csrfToken(), imported, summary: imported.counts, cards, batches, rejectedAvailable: rejected !== null });
  });

  app.get<{ Params: { id: string } }>('/lists/imports/:id/rejected.csv', { schema: { params: uuidParam }, config: { audit: { action: 'list.rejected_download', object: 'import' } } }, async (req, reply) => {
    const staff = staffOf(req);
    const imported = await findTeamImport(db, staff.teamId, req.params.id);
    const csv = imported ? await deps.uploads.getRejected(imported.id) : null;
    if (!imported || csv === null) throw new InputError('rejected rows not available', 'not_found', 404);
    return reply
      .header('cache-control', 'no-store')
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="afgekeurd-${imported.listMonth.slice(0, 7)}.csv"`)
      .send(csv);
  });

  app.post<{ Params: { id: string }; Body: { layout?: CardLayoutChoice; addressSheets?: string; language?: 'nl' | 'en' } }>(
    '/lists/imports/:id/cards',
    { preHandler: app.csrfProtection, schema: { params: uuidParam, body: cardsBody }, config: { audit: { action: 'cards.generate', object: 'import' } } },
    async (req, reply) => {
      await deps.cardBatches.forImport(staffOf(req), req.params.id, {
        layout: req.body?.layout ?? 'a6',
        addressSheets: req.body?.addressSheets === '1',
        language: req.body?.language ?? 'nl',
      });
      return reply.redirect(`/lists/imports/${req.params.id}#batches`, 303);
    },
  );

  app.post<{ Params: { id: string } }>('/lists/imports/:id/delivered', { preHandler: app.csrfProtection, schema: { params: uuidParam }, config: { audit: { action: 'cards.delivered', object: 'import' } } }, async (req, reply) => {
    const staff = staffOf(req);
    const imported = await findTeamImport(db, staff.teamId, req.params.id);
    if (!imported) throw new InputError('list import not found', 'not_found', 404);
    const cards = await listImportCards(db, staff.teamId, imported.id);
    await deps.cardBatches.markDelivered(staff, cards.filter((c) => c.status === 'active').map((c) => c.id));
    return reply.redirect(`/lists/imports/${imported.id}#cards`, 303);
  });

  app.get<{ Params: { id: string } }>('/lists/batches/:id', { schema: { params: uuidParam } }, async (req, reply) => {
    return reply.header('cache-control', 'no-store').send(await deps.cardBatches.status(staffOf(req), req.params.id));
  });

  app.get<{ Params: { id: string } }>('/lists/batches/:id/download', { schema: { params: uuidParam }, config: { audit: { action: 'cards.download', object: 'batch' } } }, async (req, reply) => {
    const { path, fileName } = await deps.cardBatches.download(staffOf(req), req.params.id);
    const { createReadStream } = await import('node:fs');
    return reply
      .header('cache-control', 'no-store')
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .send(createReadStream(path));
  });
};
