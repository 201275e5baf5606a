import type { StaffRole } from '../../db/schema/index.js';
import { homeOf } from './login.js';

/**
 * Printable ASCII without space only. Browsers silently drop tab, CR and LF
 * from a URL (`/\t/evil` becomes `//evil`, another site), and anything outside
 * ASCII cannot go into a Location header at all (Node throws: a 500).
 */
const PLAIN = /^[\x21-\x7e]+$/;
const MAX_LENGTH = 2048;

/**
 * A same-origin path to send a browser to after signing in, or null. Parsed
 * the way a browser does (WHATWG URL, against PUBLIC_URL): only when the
 * result stays on PUBLIC_URL's origin is it used, and then only its path,
 * query and fragment, dot segments resolved.
 */
export function safeNext(next: unknown, publicUrl: string): string | null {
  if (typeof next !== 'string' || next.length > MAX_LENGTH || !PLAIN.test(next) || !next.startsWith('/')) return null;
  let base: URL;
  let url: URL;
  try {
    base = new URL(publicUrl);
    url = new URL(next, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The path as the router will see it (percent-decoded), for comparing with our own route names. */
function routedPath(path: string): string {
  const pathname = path.replace(/[?#].*$/, '');
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

/** Where to go after signing in: the requested page, unless it is off-site or the inbox a role cannot use. */
export function destination(role: StaffRole, next: unknown, publicUrl: string): string {
  const wanted = safeNext(next, publicUrl);
  if (!wanted) return homeOf(role);
  const inboxRole = role === 'casemanager' || role === 'coordinator';
  const path = routedPath(wanted);
  if (!inboxRole && (path === '/inbox' || path.startsWith('/inbox/'))) return homeOf(role);
  return wanted;
}
