/**
 * A webhook URL may carry credentials: a password (`https://user:secret@host/hook`), a token as
 * the user (`https://TOKEN@host/hook`), or a token in the query (`?token=...`, `?sig=...`, Slack's
 * and Azure's signed URLs). Like a webhook's secret, they are write-only: answers and logs show the
 * URL with them masked, deliveries use the stored URL, and a masked URL sent back (an answer edited
 * and PUT) stands for the stored one it masks.
 */

/** What a credential is shown as. */
export const MASKED = '***';

/** Query parameters whose values are credentials (matched anywhere in the name, any case). */
const CREDENTIAL_PARAM = /token|secret|key|sig|passw|pwd|auth|credential/i;

interface UrlParts {
  readonly scheme: string;
  /** `user:password` or `user` (before the `@`), or undefined. */
  readonly userinfo: string | undefined;
  readonly hostAndPath: string;
  /** Without its `?`, or undefined. */
  readonly query: string | undefined;
  readonly fragment: string;
}

function parts(url: string): UrlParts | undefined {
  // The last `@` before the path ends the user info, as WHATWG URL parsing reads it.
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^/?#]*)@)?([^?#]*)(?:\?([^#]*))?(#.*)?$/is.exec(url);
  return m ? { scheme: m[1]!, userinfo: m[2], hostAndPath: m[3]!, query: m[4], fragment: m[5] ?? '' } : undefined;
}

/** `s` percent-decoded (a query's `+` is a space there, not in user info). */
function decoded(s: string, plusIsSpace = true): string {
  try {
    return decodeURIComponent(plusIsSpace ? s.replace(/\+/g, ' ') : s);
  } catch {
    return s;
  }
}

/** The user info with its credential masked: the password, or a user alone (a token). */
const maskedUserinfo = (info: string): string => (info.includes(':') ? `${info.slice(0, info.indexOf(':'))}:${MASKED}` : MASKED);

/** The query with every credential parameter's value masked (its other parameters as they were). */
const maskedQuery = (query: string): string =>
  query.split('&').map((p) => {
    const eq = p.indexOf('=');
    return eq > 0 && eq < p.length - 1 && CREDENTIAL_PARAM.test(decoded(p.slice(0, eq))) ? `${p.slice(0, eq + 1)}${MASKED}` : p;
  }).join('&');

/** The URL as answers and logs show it: its credentials masked, the rest as given. */
export function maskedUrl(url: string): string {
  const p = parts(url);
  if (!p) return url;
  const userinfo = p.userinfo !== undefined && p.userinfo !== '' ? `${maskedUserinfo(p.userinfo)}@` : p.userinfo === '' ? '@' : '';
  const query = p.query !== undefined ? `?${maskedQuery(p.query)}` : '';
  return `${p.scheme}${userinfo}${p.hostAndPath}${query}${p.fragment}`;
}

/** Whether the URL holds `***` where a credential goes: an answer's masked URL, not a real one. */
export function hasMaskedCredential(url: string): boolean {
  const p = parts(url);
  if (!p) return false;
  const user = p.userinfo ?? '';
  const password = user.includes(':') ? user.slice(user.indexOf(':') + 1) : user;
  const params = (p.query ?? '').split('&').filter((q) => q.includes('=') && CREDENTIAL_PARAM.test(decoded(q.slice(0, q.indexOf('=')))));
  return password === MASKED || params.some((q) => q.slice(q.indexOf('=') + 1) === MASKED);
}

/**
 * What a delivery sends: fetch refuses a URL with user info, so it goes as HTTP Basic
 * authorization (as curl and browsers send it), and the URL without it; the query is kept.
 */
export function deliveryRequest(url: string): { url: string; authorization?: string } {
  const p = parts(url);
  if (!p || p.userinfo === undefined) return { url };
  const colon = p.userinfo.indexOf(':');
  const user = decoded(colon < 0 ? p.userinfo : p.userinfo.slice(0, colon), false);
  const password = colon < 0 ? '' : decoded(p.userinfo.slice(colon + 1), false);
  const plain = `${p.scheme}${p.hostAndPath}${p.query !== undefined ? `?${p.query}` : ''}${p.fragment}`;
  return { url: plain, ...(p.userinfo === '' ? {} : { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }) };
}
