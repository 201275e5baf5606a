import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import { ZONE } from '../../core/local-time.js';
import type { Database } from '../../db/client.js';
import { listTeamAccounts, type StaffPrincipal } from '../../db/queries/staff.js';
import { createAccounts, ROLE_LABELS, type AccountForm } from '../domain/accounts.js';
import { requireRole, requireStaff } from '../plugins/auth.js';

export interface AdminAccountsDeps {
  database: Database;
  publicUrl: string;
}

const day = new Intl.DateTimeFormat('nl-NL', { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });

function staffOf(req: FastifyRequest): StaffPrincipal {
  if (!req.staff) throw new Error('requireStaff must run before this handler');
  return req.staff;
}

function formOf(body: unknown): AccountForm {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as AccountForm) : {};
}

/** Admins manage the accounts of their own team; other teams' accounts do not exist for them. */
export const adminAccountsRoutes: FastifyPluginAsync<AdminAccountsDeps> = async (app, deps) => {
  const { db } = deps.database;
  const accounts = createAccounts({ database: deps.database });
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));

  async function list(req: FastifyRequest, reply: FastifyReply, form: AccountForm, error: string | null, notice: string | null = null) {
    const admin = staffOf(req);
    const now = Date.now();
    const rows = await listTeamAccounts(db, admin.teamId);
    const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
    reply.header('cache-control', 'no-store');
    return reply.view('staff/admin-accounts.eta', {
      staff: admin,
      csrf: reply.generateCsrf(),
      error,
      notice,
      roles: Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label })),
      form: { email: text(form.email, 254), name: text(form.name, 120), firstName: text(form.firstName, 60), role: text(form.role, 20) },
      accounts: rows.map((a) => ({
        id: a.id,
        name: a.name,
        email: a.email,
        role: ROLE_LABELS[a.role],
        self: a.id === admin.id,
        active: a.active,
        status: !a.active
          ? 'Uitgezet'
          : a.hasPassword
            ? 'Actief'
            : a.inviteExpiresAt && a.inviteExpiresAt.getTime() > now
              ? `Uitgenodigd (link geldig tot ${day.format(a.inviteExpiresAt)})`
              : 'Uitnodiging verlopen',
        totp: a.totpEnabled ? 'Aan' : 'Uit',
      })),
    });
  }

  function created(req: FastifyRequest, reply: FastifyReply, r: { account: { name: string; email: string; role: keyof typeof ROLE_LABELS }; token: string; expiresAt: Date }, again: boolean) {
    reply.header('cache-control', 'no-store');
    return reply.view('staff/account-created.eta', {
      staff: staffOf(req),
      csrf: reply.generateCsrf(),
      again,
      name: r.account.name,
      email: r.account.email,
      role: ROLE_LABELS[r.account.role],
      link: `${deps.publicUrl}/invite/${r.token}`,
      until: day.format(r.expiresAt),
    });
  }

  app.get('/admin/accounts', async (req, reply) => list(req, reply, {}, null));

  app.post('/admin/accounts', { preHandler: app.csrfProtection, bodyLimit: 16 * 1024 }, async (req, reply) => {
    const form = formOf(req.body);
    try {
      const r = await accounts.create(staffOf(req), form);
      return created(req, reply, r, false);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      reply.code(err.code === 'duplicate_email' ? 409 : 400);
      return list(req, reply, form, err.message);
    }
  });

  app.post<{ Params: { id: string } }>('/admin/accounts/:id/deactivate', { preHandler: app.csrfProtection, bodyLimit: 4 * 1024 }, async (req, reply) => {
    try {
      await accounts.deactivate(staffOf(req), req.params.id);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return list(req, reply.code(400), {}, err.message);
    }
    return reply.redirect('/admin/accounts', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/accounts/:id/reactivate', { preHandler: app.csrfProtection, bodyLimit: 4 * 1024 }, async (req, reply) => {
    await accounts.reactivate(staffOf(req), req.params.id);
    return reply.redirect('/admin/accounts', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/accounts/:id/invite', { preHandler: app.csrfProtection, bodyLimit: 4 * 1024 }, async (req, reply) => {
    try {
      const r = await accounts.reinvite(staffOf(req), req.params.id);
      return created(req, reply, r, true);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return list(req, reply.code(400), {}, err.message);
    }
  });
};
