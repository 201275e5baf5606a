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

export const ROLE_LABELS: Record<StaffRole, string> = {
  casemanager: 'Casemanager',
  coordinator: 'Coördinator',
  admin: 'Beheerder',
  privacy_officer: 'Privacy officer (FG)',
};

export interface AccountForm {
  email?: unknown;
  name?: unknown;
  firstName?: unknown;
  role?: unknown;
}

const text = (label: string, max: number) =>
  z
    .string({ error: `Vul ${label} in.` })
    .trim()
    .min(1, `Vul ${label} in.`)
    .max(max, `${label[0]!.toUpperCase()}${label.slice(1)} is te lang (hoogstens ${max} tekens).`)
    // No control characters (they have no place in a name and can break logs and exports).
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), `${label[0]!.toUpperCase()}${label.slice(1)} bevat tekens die niet kunnen.`);

const accountSchema = z.object({
  email: z
    .string({ error: 'Vul een e-mailadres in.' })
    .trim()
    .max(254, 'Het e-mailadres is te lang.')
    .pipe(z.email('Dit is geen geldig e-mailadres.'))
    .transform((v) => v.toLowerCase()),
  name: text('de volledige naam', 120),
  firstName: text('de voornaam', 60),
  role: z.enum(staffRole.enumValues, { error: 'Kies een rol.' }),
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
    if (!parsed.success) throw new InputError(parsed.error.issues[0]?.message ?? 'Controleer het formulier.', 'invalid_account');
    return parsed.data;
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
    if (!created) throw new InputError('Er is al een account met dit e-mailadres.', 'duplicate_email');
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
    if (account.id === admin.id) throw new InputError('Je kunt je eigen account niet uitzetten.', 'self');
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
    if (account.id === admin.id) throw new InputError('Je kunt jezelf geen nieuwe uitnodiging sturen. Vraag een andere beheerder.', 'self');
    if (!account.active) throw new InputError('Zet het account eerst weer aan.', 'inactive');
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
      throw new InputError('Je kunt je eigen tweede stap hier niet resetten. Vraag een andere beheerder.', 'self');
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
