import { z } from 'zod';
import { InputError, NotFoundError } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { newSecret } from '../../core/tokens.js';
import type { Database } from '../../db/client.js';
import { recordEvent } from '../../db/queries/events.js';
import {
  deleteSessionsOf,
  findTeamAccount,
  insertInvitedStaff,
  resetInvite,
  resetTotp as clearTotp,
  setStaffActive,
  type StaffPrincipal,
} from '../../db/queries/staff.js';
import { staffRole, type StaffRole } from '../../db/schema/index.js';

export const INVITE_DAYS = 7;
export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

export interface AccountForm {
  email?: unknown;
  name?: unknown;
  firstName?: unknown;
  role?: unknown;
}

/** The longest name and first name an account may have. */
export const NAME_MAX = { name: 120, first_name: 60 } as const;

// Each refusal's message is its code (templates/staff says it in the admin's language).
const text = (field: keyof typeof NAME_MAX) =>
  z
    .string({ error: `${field}_missing` })
    .trim()
    .min(1, `${field}_missing`)
    .max(NAME_MAX[field], `${field}_too_long`)
    // No control characters (they have no place in a name and can break logs and exports).
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), `${field}_bad_chars`);

const accountSchema = z.object({
  email: z
    .string({ error: 'email_missing' })
    .trim()
    .max(254, 'email_too_long')
    .pipe(z.email('email_invalid'))
    .transform((v) => v.toLowerCase()),
  name: text('name'),
  firstName: text('first_name'),
  role: z.enum(staffRole.enumValues, { error: 'role_missing' }),
});

export type NewAccount = z.output<typeof accountSchema>;

/** An invitation link: the token travels only in the link; we keep its sha256. */
function newInvite() {
  const token = newSecret(32);
  return { token, hash: sha256(token), expiresAt: new Date(Date.now() + INVITE_DAYS * 24 * 3600_000) };
}

/**
 * Account management by an admin, always within the admin's own team: an
 * account of another team is "not found". Events carry ids and categories only.
 */
export function createAccounts(deps: { database: Database }) {
  const { db } = deps.database;

  function parse(form: AccountForm): NewAccount {
    const parsed = accountSchema.safeParse(form);
    if (parsed.success) return parsed.data;
    const code = parsed.error.issues[0]?.message ?? 'invalid_account';
    const field = code.replace(/_too_long$/, '');
    const max = field in NAME_MAX ? { max: NAME_MAX[field as keyof typeof NAME_MAX] } : undefined;
    throw new InputError(`account form refused (${code})`, code, 400, max);
  }

  async function create(admin: StaffPrincipal, form: AccountForm) {
    const a = parse(form);
    const invite = newInvite();
    const created = await insertInvitedStaff(db, {
      teamId: admin.teamId,
      email: a.email,
      name: a.name,
      firstName: a.firstName,
      role: a.role,
      inviteTokenHash: invite.hash,
      inviteExpiresAt: invite.expiresAt,
    });
    if (!created) throw new InputError('an account with this e-mail address exists', 'duplicate_email');
    await recordEvent(db, { type: 'staff.invited', actorStaffId: admin.id, data: { staffUserId: created.id, role: a.role } });
    return { id: created.id, account: a, token: invite.token, expiresAt: invite.expiresAt };
  }

  async function accountOf(admin: StaffPrincipal, id: string) {
    const account = await findTeamAccount(db, admin.teamId, id);
    if (!account) throw new NotFoundError('staff account');
    return account;
  }

  async function deactivate(admin: StaffPrincipal, id: string) {
    const account = await accountOf(admin, id);
    if (account.id === admin.id) throw new InputError('an admin cannot deactivate their own account', 'self_deactivate');
    await db.transaction(async (tx) => {
      await setStaffActive(tx, account.id, false);
      await deleteSessionsOf(tx, account.id);
      if (account.active) {
        await recordEvent(tx, { type: 'staff.deactivated', actorStaffId: admin.id, data: { staffUserId: account.id, role: account.role } });
      }
    });
  }

  async function reactivate(admin: StaffPrincipal, id: string) {
    const account = await accountOf(admin, id);
    if (account.active) return;
    await setStaffActive(db, account.id, true);
    await recordEvent(db, {
      type: 'staff.activated',
      actorStaffId: admin.id,
      data: { staffUserId: account.id, role: account.role, via: 'reactivated' },
    });
  }

  /** A new link for a lost invitation or a forgotten password: the old password stops working now. */
  async function reinvite(admin: StaffPrincipal, id: string) {
    const account = await accountOf(admin, id);
    if (account.id === admin.id) throw new InputError('an admin cannot re-invite themselves', 'self_reinvite');
    if (!account.active) throw new InputError('the account is deactivated', 'inactive');
    const invite = newInvite();
    await db.transaction(async (tx) => {
      await resetInvite(tx, account.id, invite.hash, invite.expiresAt);
      await deleteSessionsOf(tx, account.id);
      await recordEvent(tx, { type: 'staff.invited', actorStaffId: admin.id, data: { staffUserId: account.id, role: account.role, again: true } });
    });
    return {
      id: account.id,
      account: { email: account.email, name: account.name, firstName: account.firstName, role: account.role },
      token: invite.token,
      expiresAt: invite.expiresAt,
    };
  }

  /**
   * Lost phone: clears someone's TOTP second factor and ends their sessions; they
   * set up a new one at the next login. Not for yourself (another admin does it).
   */
  async function resetTotp(admin: StaffPrincipal, id: string) {
    const account = await accountOf(admin, id);
    if (account.id === admin.id) {
      throw new InputError('an admin cannot reset their own second factor', 'self_totp_reset');
    }
    await db.transaction(async (tx) => {
      if (!(await clearTotp(tx, admin.teamId, account.id))) throw new NotFoundError('staff account');
      await recordEvent(tx, {
        type: 'staff.totp_reset',
        actorStaffId: admin.id,
        data: { staffUserId: account.id, role: account.role },
      });
    });
    return { id: account.id, name: account.name };
  }

  return { create, deactivate, reactivate, reinvite, resetTotp };
}
export type Accounts = ReturnType<typeof createAccounts>;
