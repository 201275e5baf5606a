/** The staff app's own cookies (the youngster's device cookie lives with the web chat). */
export interface CookieNames {
  session: string;
  csrf: string;
}

/**
 * Under https the session and CSRF cookies carry the `__Host-` prefix:
 * browsers then accept them only from this exact host, with Secure, Path=/
 * and no Domain, so a sibling subdomain cannot plant its own (cookie
 * tossing). Over plain http (local, demo) browsers refuse such a cookie, so
 * the names stay plain there.
 */
export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}lj_sid`, csrf: `${prefix}lj_csrf` };
}
