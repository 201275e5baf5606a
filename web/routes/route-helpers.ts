import type { FastifyRequest } from 'fastify';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/** What the staff routes share. */

/** The signed-in staff member of a route behind `requireStaff` (a programming error otherwise). */
export function staffOf(req: FastifyRequest): StaffPrincipal {
  if (!req.staff) throw new Error('requireStaff must run before this handler');
  return req.staff;
}

/** An `:id` path parameter that must be a uuid (anything else is a 400 before any query). */
export const uuidParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** A post from the page's script (JSON answer) rather than a plain form (redirect back). */
export function postedJson(req: FastifyRequest): boolean {
  return req.headers['content-type']?.startsWith('application/json') === true;
}
