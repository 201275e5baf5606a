import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import { listTeamAccounts } from '../../db/queries/staff.js';
import { staffRole, type StaffRole } from '../../db/schema/index.js';
import type { AccountForm, Accounts } from '../domain/accounts.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { staffOf } from './route-helpers.js';

export interface AdminAccountsDeps {
  database: Database;
  publicUrl: string;
  accounts: Accounts;
}

function formOf(body: unknown): AccountForm {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as AccountForm) : {};
}

/** Admins manage the accounts of their own team; other teams' accounts do not exist for them. */
export const adminAccountsRoutes: FastifyPluginAsync<AdminAccountsDeps> = async (app, deps) => {
  const { db } = deps.database;
  const { accounts } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));

  async function list(req: FastifyRequest, reply: FastifyReply, form: AccountForm, error: InputError | null, notice: string | null = null) {
    const admin = staffOf(req);
    const ui = uiOf(req);
    const now = Date.now();
    const rows = await listTeamAccounts(db, admin.teamId);
    const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
    reply.header('cache-control', 'no-store');
    return reply.view('staff/admin-accounts.eta', {
      staff: admin,
      csrf: reply.csrfToken(),
      error: error === null ? null : ui.refusal(error.code, error.vars),
      notice,
      roles: staffRole.enumValues.map((value) => ({ value, label: ui.t(`role.${value}`) })),
      form: { email: text(form.email, 254), name: text(form.name, 120), firstName: text(form.firstName, 60), role: text(form.role, 20) },
      accounts: rows.map((a) => ({
        id: a.id,
        name: a.name,
        email: a.email,
        role: ui.t(`role.${a.role}`),
        self: a.id === admin.id,
        active: a.active,
        status: !a.active
          ? ui.t('accounts.statusOff')
          : a.hasPassword
            ? ui.t('accounts.statusActive')
            : a.inviteExpiresAt && a.inviteExpiresAt.getTime() > now
              ? ui.t('accounts.statusInvited', { until: ui.dateTime(a.inviteExpiresAt) })
              : ui.t('accounts.statusExpired'),
        totpEnabled: a.totpEnabled,
        totp: a.totpEnabled ? ui.t('accounts.totpOn') : ui.t('accounts.totpOff'),
      })),
    });
  }

  function created(req: FastifyRequest, reply: FastifyReply, r: { account: { name: string; email: string; role: StaffRole }; token: string; expiresAt: Date }, again: boolean) {
    const ui = uiOf(req);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/account-created.eta', {
      staff: staffOf(req),
      csrf: reply.csrfToken(),
      again,
      name: r.account.name,
      email: r.account.email,
      role: ui.t(`role.${r.account.role}`),
      link: `${deps.publicUrl}/invite/${r.token}`,
      until: ui.dateTime(r.expiresAt),
    });
  }

  app.get('/admin/accounts', async (req, reply) => list(req, reply, {}, null));

  // Account changes are access control (BIO): who gave or took whose access is logged.
  app.post('/admin/accounts', { preHandler: app.csrfProtection, bodyLimit: 16 * 1024, config: { audit: { action: 'staff.create' } } }, async (req, reply) => {
    const form = formOf(req.body);
    try {
      const r = await accounts.create(staffOf(req), form);
      return created(req, reply, r, false);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      reply.code(err.code === 'duplicate_email' ? 409 : 400);
      return list(req, reply, form, err);
    }
  });

  app.post<{ Params: { id: string } }>('/admin/accounts/:id/deactivate', { preHandler: app.csrfProtection, bodyLimit: 4 * 1024, config: { audit: { action: 'staff.deactivate', object: 'staff' } } }, async (req, reply) => {
    try {
      await accounts.deactivate(staffOf(req), req.params.id);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return list(req, reply.code(400), {}, err);
    }
    return reply.redirect('/admin/accounts', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/accounts/:id/reactivate', { preHandler: app.csrfProtection, bodyLimit: 4 * 1024, config: { audit: { action: 'staff.reactivate', object: 'staff' } } }, async (req, reply) => {
    await accounts.reactivate(staffOf(req), req.params.id);
    return reply.redirect('/admin/accounts', 303);
  });

  /** Lost phone: the second factor of someone in the admin's team is cleared and their sessions end. */
  app.post<{ Params: { id: string } }>(
    '/admin/accounts/:id/totp-reset',
    { preHandler: app.csrfProtection, bodyLimit: 4 * 1024, config: { audit: { action: 'staff.totp_reset', object: 'staff' } } },
    async (req, reply) => {
      try {
        const r = await accounts.resetTotp(staffOf(req), req.params.id);
        return list(req, reply, {}, null, uiOf(req).t('accounts.totpResetDone', { name: r.name }));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        return list(req, reply.code(400), {}, err);
      }
    },
  );

  app.post<{ Params: { id: string } }>('/admin/accounts/:id/invite', { preHandler: app.csrfProtection, bodyLimit: 4 * 1024, config: { audit: { action: 'staff.invite', object: 'staff' } } }, async (req, reply) => {
    try {
      const r = await accounts.reinvite(staffOf(req), req.params.id);
      return created(req, reply, r, true);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return list(req, reply.code(400), {}, err);
    }
  });
};
