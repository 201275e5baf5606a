import { eq } from 'drizzle-orm';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../bin/services.js';
import { municipalities, staffUsers } from '../../db/schema/index.js';
import type { FastifyInstance } from 'fastify';
import { createStaff, twoTeams } from '../helpers/fixtures.js';
import { csrfFrom, login } from '../helpers/http.js';
import { multipartForm } from '../helpers/multipart.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let admin: Awaited<ReturnType<typeof login>>;

function tinyPng(): Buffer {
  const png = new PNG({ width: 4, height: 4 });
  png.data.fill(200);
  return PNG.sync.write(png);
}

async function send(url: string, fields: Record<string, string>, file: { name: string; content: Buffer } | null = null) {
  const page = await app.inject({ method: 'GET', url: '/admin/cards', headers: { cookie: admin.cookie, accept: 'text/html' } });
  const form = multipartForm({ _csrf: csrfFrom(page.body), ...fields }, file ? { name: file.name, filename: 'x.png', content: file.content, type: 'image/png' } : null);
  return app.inject({ method: 'POST', url, headers: { cookie: admin.cookie, 'content-type': form.contentType, accept: 'text/html' }, payload: form.payload });
}

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(iso.ctx.database.db);
  await createStaff(iso.ctx.database.db, org.oost.teamId, { email: 'admin@oost.test', firstName: 'Ad', role: 'admin' });
  admin = await login(app, 'admin@oost.test');
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

describe('card design (admins)', () => {
  const db = () => iso.ctx.database.db;

  it("saves a municipality's CMYK colours, logo and default casemanager", async () => {
    const roermond = org.oost.municipalities.Roermond!;
    const res = await send(`/admin/cards/municipalities/${roermond}`, { primary: '90, 10, 0, 5', accent: '0 70 100 0', defaultCasemanagerId: org.yusuf.id }, { name: 'logo', content: tinyPng() });
    expect(res.statusCode).toBe(303);
    const [m] = await db().select().from(municipalities).where(eq(municipalities.id, roermond));
    expect(m!.cardColours).toEqual({ primary: [90, 10, 0, 5], accent: [0, 70, 100, 0] });
    expect(m!.cardLogo?.subarray(0, 4).toString('hex')).toBe('89504e47');
    expect(m!.defaultCasemanagerId).toBe(org.yusuf.id);
  });

  it('refuses what cannot be printed, with a clear message, and changes nothing', async () => {
    const roermond = org.oost.municipalities.Roermond!;
    const [before] = await db().select().from(municipalities).where(eq(municipalities.id, roermond));
    const colour = await send(`/admin/cards/municipalities/${roermond}`, { primary: '#ff0000', accent: '0,0,0,100' });
    expect(colour.statusCode).toBe(400);
    expect(colour.body).toContain('0 tot 100');
    const notImage = await send(`/admin/cards/municipalities/${roermond}`, { primary: '1,2,3,4', accent: '0,0,0,100' }, { name: 'logo', content: Buffer.from('<svg onload="x">') });
    expect(notImage.statusCode).toBe(400);
    expect(notImage.body).toContain('PNG');
    const foreignCm = await send(`/admin/cards/municipalities/${roermond}`, { primary: '1,2,3,4', accent: '0,0,0,100', defaultCasemanagerId: org.bram.id });
    expect(foreignCm.statusCode).toBe(400);
    const [after] = await db().select().from(municipalities).where(eq(municipalities.id, roermond));
    expect(after).toEqual(before);
  });

  it("saves a coach's phone and photo, and removes the photo again", async () => {
    const saved = await send(`/admin/cards/staff/${org.michelle.id}`, { phone: '06 12 34 56 78' }, { name: 'photo', content: tinyPng() });
    expect(saved.statusCode).toBe(303);
    let [m] = await db().select().from(staffUsers).where(eq(staffUsers.id, org.michelle.id));
    expect(m!.cardPhone).toBe('06 12 34 56 78');
    expect(m!.cardPhoto).not.toBeNull();
    expect((await send(`/admin/cards/staff/${org.michelle.id}`, { phone: 'bel me' })).statusCode).toBe(400);
    await send(`/admin/cards/staff/${org.michelle.id}`, { phone: '', removePhoto: '1' });
    [m] = await db().select().from(staffUsers).where(eq(staffUsers.id, org.michelle.id));
    expect(m!.cardPhone).toBeNull();
    expect(m!.cardPhoto).toBeNull();
  });

  it("is another team's admin's business only for their own team", async () => {
    expect((await send(`/admin/cards/municipalities/${org.west.municipalities.Weert}`, { primary: '1,2,3,4', accent: '1,2,3,4' })).statusCode).toBe(404);
    expect((await send(`/admin/cards/staff/${org.bram.id}`, { phone: '0612345678' })).statusCode).toBe(404);
    const page = await app.inject({ method: 'GET', url: '/admin/cards', headers: { cookie: admin.cookie, accept: 'text/html' } });
    expect(page.body).toContain('Roermond');
    expect(page.body).not.toContain('Weert');
    expect(page.body).not.toContain('bram@west.test');
  });
});
