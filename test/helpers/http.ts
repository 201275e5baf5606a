import type { FastifyInstance } from 'fastify';
import { PASSWORD } from './fixtures.js';

/** Collects Set-Cookie headers into one Cookie header value. */
export function cookieJar() {
  const jar = new Map<string, string>();
  return {
    take(setCookie: string | string[] | undefined) {
      for (const c of [setCookie ?? []].flat()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        const name = pair!.slice(0, i);
        const value = pair!.slice(i + 1);
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
        else jar.set(name, value);
      }
    },
    header() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    get(name: string) {
      return jar.get(name);
    },
  };
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no csrf token in page');
  return m[1]!;
}

/** Logs in through the real form (CSRF included) and returns what a browser would hold. */
export async function login(app: FastifyInstance, email: string, password = PASSWORD) {
  const jar = cookieJar();
  const page = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
  jar.take(page.headers['set-cookie']);
  const csrf = csrfFrom(page.body);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: new URLSearchParams({ email, password, _csrf: csrf, next: '/inbox' }).toString(),
  });
  jar.take(res.headers['set-cookie']);
  return { status: res.statusCode, location: res.headers.location, body: res.body, jar, cookie: jar.header(), csrf: await tokenAfterLogin(app, jar, res.headers.location) ?? csrf };
}

/**
 * CSRF tokens are bound to the session, so the login page's token is no good
 * after signing in: take one from the page the sign-in led to (every staff
 * page has one, in the logout form), following its redirects as a browser would.
 */
async function tokenAfterLogin(app: FastifyInstance, jar: ReturnType<typeof cookieJar>, location: string | undefined) {
  let url = location;
  for (let hops = 0; url && hops < 3; hops++) {
    const page = await app.inject({ method: 'GET', url, headers: { cookie: jar.header(), accept: 'text/html' } });
    jar.take(page.headers['set-cookie']);
    if (page.statusCode === 200) return csrfFrom(page.body);
    url = page.statusCode === 303 ? page.headers.location : undefined;
  }
  return null;
}

/**
 * Opens a card's chat page like a phone would - the page, then the start its
 * script posts - and returns the device cookie.
 */
export async function openChat(app: FastifyInstance, token: string) {
  const jar = cookieJar();
  const res = await app.inject({ method: 'GET', url: `/k/${token}/chat`, headers: { accept: 'text/html' } });
  jar.take(res.headers['set-cookie']);
  if (res.statusCode === 200) {
    const start = await startChat(app, token, jar);
    if (start.statusCode !== 200) throw new Error(`chat start answered ${start.statusCode}`);
  }
  return { status: res.statusCode, body: res.body, jar, cookie: jar.header() };
}

/** The chat page's script starting the chat (greets a new contact; nothing for a known one). */
export async function startChat(app: FastifyInstance, token: string, jar: ReturnType<typeof cookieJar>) {
  const res = await app.inject({
    method: 'POST',
    url: `/k/${token}/start`,
    headers: { cookie: jar.header(), 'content-type': 'application/json', accept: 'application/json' },
    payload: '{}',
  });
  jar.take(res.headers['set-cookie']);
  return res;
}

export async function postChat(app: FastifyInstance, token: string, cookie: string, body: unknown) {
  return app.inject({
    method: 'POST',
    url: `/k/${token}/messages`,
    headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
    payload: JSON.stringify(body),
  });
}

export async function until<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A staff member's JSON post (CSRF header included), as the inbox page's own script sends it. */
export function staffPost(app: FastifyInstance, session: { cookie: string; csrf: string }, url: string, body: unknown) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie, 'content-type': 'application/json', 'x-csrf-token': session.csrf },
    payload: JSON.stringify(body),
  });
}
