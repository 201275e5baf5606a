import { z } from 'zod';
import { ConflictError, InputError, NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import {
  findMunicipalityInScope,
  findPartner,
  findPartnerByName,
  insertPartner,
  listPartners,
  setPartnerActive,
  type Partner,
} from '../../db/queries/partners.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

export const PARTNER_NAME_MAX = 120;

export interface PartnerForm {
  name?: unknown;
}

// Each refusal's message is its code (templates/staff says it in the admin's language).
const nameSchema = z
  .string({ error: 'partner_name_missing' })
  // One space between words, so "GGD  Noord" and "GGD Noord" are one partner.
  .transform((v) => v.trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .min(1, 'partner_name_missing')
      .max(PARTNER_NAME_MAX, 'partner_name_too_long')
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'partner_name_bad_chars'),
  );

export function validatePartnerName(input: PartnerForm): string {
  const r = nameSchema.safeParse(input.name);
  if (r.success) return r.data;
  const code = r.error.issues[0]?.message ?? 'partner_name_missing';
  throw new InputError(`partner name refused (${code})`, code, 400, code === 'partner_name_too_long' ? { max: PARTNER_NAME_MAX } : {});
}

/**
 * An admin keeps the partner list of each municipality their team serves
 * (staff.municipalityIds): add, turn off, turn on again by adding the name
 * again. Partners are never deleted: consents point at them. Any other
 * municipality is "not found".
 */
export function createPartnerAdmin(deps: { database: Database }) {
  const { db } = deps.database;

  async function municipalityOf(admin: StaffPrincipal, municipalityId: string) {
    const m = await findMunicipalityInScope(db, municipalityId, admin.municipalityIds);
    if (!m) throw new NotFoundError('municipality');
    return m;
  }

  async function list(admin: StaffPrincipal, municipalityId: string): Promise<{ municipality: { id: string; name: string }; partners: Partner[] }> {
    const municipality = await municipalityOf(admin, municipalityId);
    return { municipality, partners: await listPartners(db, municipality.id) };
  }

  /** 'added', or 'reactivated' when a turned-off partner of that name existed. */
  async function add(admin: StaffPrincipal, municipalityId: string, form: PartnerForm): Promise<{ partnerId: string; result: 'added' | 'reactivated' }> {
    const municipality = await municipalityOf(admin, municipalityId);
    const name = validatePartnerName(form);
    return db.transaction(async (tx) => {
      const existing = await findPartnerByName(tx, municipality.id, name);
      if (existing?.active) throw new ConflictError('partner exists', 'partner_exists');
      if (existing) {
        await setPartnerActive(tx, municipality.id, existing.id, true);
        return { partnerId: existing.id, result: 'reactivated' as const };
      }
      const partnerId = await insertPartner(tx, municipality.id, name);
      // Another admin added the same name a moment ago.
      if (!partnerId) throw new ConflictError('partner exists', 'partner_exists');
      return { partnerId, result: 'added' as const };
    });
  }

  /** Turning off an already turned-off partner changes nothing and is fine. */
  async function deactivate(admin: StaffPrincipal, municipalityId: string, partnerId: string): Promise<void> {
    const municipality = await municipalityOf(admin, municipalityId);
    const partner = await findPartner(db, municipality.id, partnerId);
    if (!partner) throw new NotFoundError('partner');
    if (partner.active) await setPartnerActive(db, municipality.id, partner.id, false);
  }

  return { list, add, deactivate };
}
export type PartnerAdmin = ReturnType<typeof createPartnerAdmin>;
