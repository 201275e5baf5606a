import { InputError, NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import { activeCasemanagersOf, saveCoachCard, saveMunicipalityBranding, teamCardBranding } from '../../db/queries/card-branding.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import type { CardColours, Cmyk } from '../../db/schema/index.js';

/** A logo or photo is printed a few centimetres wide: more than this is a mistake, not quality. */
export const MAX_CARD_IMAGE_BYTES = 512 * 1024;
const PHONE = /^[+0-9][0-9 ()-]{5,19}$/;

/** PNG or JPEG by their first bytes (what pdfkit can embed); the file name and type a browser claims are not trusted. */
export function imageKind(bytes: Buffer): 'png' | 'jpeg' | null {
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** "85, 20, 0, 10" -> [85, 20, 0, 10]; each 0-100. */
export function parseCmyk(text: string): Cmyk | null {
  const parts = text.split(/[\s,;/]+/).filter(Boolean);
  if (parts.length !== 4) return null;
  const values = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return values.every((v) => Number.isInteger(v) && v >= 0 && v <= 100) ? (values as Cmyk) : null;
}

function checkedImage(file: Buffer | undefined, field: string): Buffer | undefined {
  if (!file || file.length === 0) return undefined;
  if (file.length > MAX_CARD_IMAGE_BYTES) throw new InputError('card image too large', 'card_image_too_large', 400, { field, max: MAX_CARD_IMAGE_BYTES / 1024 });
  if (!imageKind(file)) throw new InputError('card image is not PNG or JPEG', 'card_image_type', 400, { field });
  return file;
}

/**
 * What the cards print besides the youngster's first name (admins of the
 * team): per municipality its colours (CMYK, as a print shop wants them), its
 * logo and the casemanager a new list's youngsters get by default; per
 * casemanager a work phone and a photo. Only the team's own are changed.
 */
export function createCardBranding(deps: { database: Database }) {
  const { db } = deps.database;
  return {
    load: (admin: StaffPrincipal) => teamCardBranding(db, admin.teamId),

    async saveMunicipality(
      admin: StaffPrincipal,
      id: string,
      input: { primary?: string; accent?: string; defaultCasemanagerId?: string; removeLogo?: string; logo?: Buffer },
    ) {
      // Scope first: another team's municipality is a 404 whatever was sent.
      const { served } = await teamCardBranding(db, admin.teamId);
      if (!served.some((m) => m.id === id)) throw new NotFoundError('municipality');
      const primary = parseCmyk(input.primary ?? '');
      const accent = parseCmyk(input.accent ?? '');
      if (!primary || !accent) throw new InputError('colour is not CMYK', 'card_colour_invalid', 400, { field: primary ? 'accent' : 'primary' });
      const wanted = input.defaultCasemanagerId || null;
      if (wanted && !(await activeCasemanagersOf(db, admin.teamId, [wanted])).length) {
        throw new InputError('default casemanager is not an active casemanager of the team', 'card_casemanager_invalid');
      }
      const logo = input.removeLogo === '1' ? null : checkedImage(input.logo, 'logo');
      const colours: CardColours = { primary, accent };
      if (!(await saveMunicipalityBranding(db, admin.teamId, id, { colours, logo, defaultCasemanagerId: wanted }))) throw new NotFoundError('municipality');
    },

    async saveCoach(admin: StaffPrincipal, id: string, input: { phone?: string; removePhoto?: string; photo?: Buffer }) {
      const { coaches } = await teamCardBranding(db, admin.teamId);
      if (!coaches.some((c) => c.id === id)) throw new NotFoundError('casemanager');
      const phone = (input.phone ?? '').trim();
      if (phone && !PHONE.test(phone)) throw new InputError('phone number looks wrong', 'card_phone_invalid');
      const photo = input.removePhoto === '1' ? null : checkedImage(input.photo, 'photo');
      if (!(await saveCoachCard(db, admin.teamId, id, { phone: phone || null, photo }))) throw new NotFoundError('casemanager');
    },
  };
}
export type CardBranding = ReturnType<typeof createCardBranding>;
