import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, openChat, postChat } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';
import { openSse } from '../helpers/sse.js';

/**
 * A youngster's text must not reorder what staff see in a list row: the
 * preview (inbox rows, search results, live row updates) loses every
 * bidirectional control character. The message itself stays as written - the
 * conversation view shows it isolated (dir="auto", unicode-bidi: isolate).
 */
let iso: Isolated;
let app: FastifyInstance;
let baseUrl: string;
let org: Awaited<ReturnType<typeof twoTeams>>;
let conversationId: string;
let messageId: string;

const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
// A right-to-left override turns "update" around and would run on into the row's other columns;
// every kind of control is in it: embeddings, overrides, isolates and marks.
const CRAFTED = 'Hoi \u202Eetadpu\u202C \u202Aa\u202B\u202Cb \u2066c\u2067d\u2068e\u2069 \u200Ef\u200F g\u061Ch klaar';
const VISIBLE = 'Hoi etadpu ab cde f gh klaar';

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
  org = await twoTeams(iso.ctx.database.db);
  const { token } = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Robin' });
  const chat = await openChat(app, token);
  const res = await postChat(app, token, chat.cookie, { text: CRAFTED });
  expect(res.statusCode).toBe(201);
  messageId = res.json().message.id as string;
  const [m] = await iso.ctx.database.db.select().from(messages).where(eq(messages.id, messageId));
  conversationId = m!.conversationId;
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

/** The text of every row preview on an inbox page. */
function previews(html: string): string[] {
  return [...html.matchAll(/<span class="st-row-preview"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]!);
}

describe('message previews shown to staff', () => {
  it('keep the message as written, but show the row without bidi controls', async () => {
    const [stored] = await iso.ctx.database.db.select().from(messages).where(eq(messages.id, messageId));
    expect(stored!.body).toBe(CRAFTED);
    const s = await login(app, 'michelle@oost.test');
    const page = await app.inject({ method: 'GET', url: '/inbox?view=team', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    const rows = previews(page.body);
    expect(rows).toContain(VISIBLE);
    for (const r of rows) expect(r).not.toMatch(BIDI);
  });

  it('show search results without them', async () => {
    const s = await login(app, 'michelle@oost.test');
    const page = await app.inject({ method: 'GET', url: '/inbox?q=klaar', headers: { cookie: s.cookie, accept: 'text/html' } });
    const rows = previews(page.body);
    expect(rows).toEqual([VISIBLE]);
  });

  it('send live row updates without them', async () => {
    const s = await login(app, 'michelle@oost.test');
    const live = openSse(`${baseUrl}/inbox/events`, { cookie: s.cookie });
    try {
      expect(await live.ready).toBe(200);
      await iso.ctx.liveBus.publishInbox({ kind: 'message', conversationId, municipalityId: org.oost.municipalities.Roermond!, messageId });
      const pushed = await live.waitFor((e) => e.event === 'inbox');
      const data = pushed.data as { conversation: { lastPreview: string }; message: { body: string } };
      expect(data.conversation.lastPreview).toBe(VISIBLE);
      // The message itself, for the conversation view, is not altered.
      expect(data.message.body).toBe(CRAFTED);
    } finally {
      live.close();
    }
  });
});
