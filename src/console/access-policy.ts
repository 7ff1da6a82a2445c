import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may use the console (issue 11 §5, DECISIONS "Health, ports, console access"):
 * - `Host` must name the bound address, a loopback name or `daemon.publicHost`, checked before
 *   anything else, so a DNS-rebinding page cannot reach the API;
 * - with a token (`daemon.tokenFile`, required off loopback), every request to `/`, `/api/` and
 *   `/metrics` shows it: `Authorization: Bearer …`, or the session cookie the login form sets;
 * - a state-changing request comes from the console's own origin (`Origin`) and carries the CSRF
 *   token the page read from `GET /api/session`.
 */
export interface AccessPolicy {
  readonly allowedHosts: ReadonlySet<string>;
  readonly tokenRequired: boolean;
  readonly csrfToken: string;
  /** The token matches (constant time). */
  tokenMatches(candidate: string): boolean;
  /** The cookie value a login sets: derived from the token, never the token itself. */
  readonly sessionValue: string | null;
}

export const SESSION_COOKIE = 'sensay_console';

export function accessPolicy(options: { host: string; publicHost: string | null; token: string | null }): AccessPolicy {
  const allowed = new Set(['localhost', '127.0.0.1', '[::1]', hostName(options.host)]);
  if (options.publicHost) allowed.add(hostName(options.publicHost));
  const token = options.token;
  const digest = token === null ? null : sha256(token);
  return {
    allowedHosts: allowed,
    tokenRequired: token !== null,
    csrfToken: randomBytes(24).toString('base64url'),
    sessionValue: token === null ? null : createHmac('sha256', token).update('sensay-ingest console session').digest('base64url'),
    tokenMatches: (candidate) => digest !== null && timingSafeEqual(sha256(candidate), digest),
  };
}

/** The host part of a `Host` header or an address, lower-cased; IPv6 in brackets. */
export function hostName(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith('[')) return v.slice(0, v.indexOf(']') + 1);
  if ((v.match(/:/g) ?? []).length > 1) return `[${v}]`;
  const colon = v.lastIndexOf(':');
  return colon === -1 ? v : v.slice(0, colon);
}

export function hostAllowed(req: IncomingMessage, policy: AccessPolicy): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && policy.allowedHosts.has(hostName(host));
}

export function authenticated(req: IncomingMessage, policy: AccessPolicy): boolean {
  if (!policy.tokenRequired) return true;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ') && policy.tokenMatches(auth.slice(7).trim())) return true;
  const cookie = cookieValue(req, SESSION_COOKIE);
  return cookie !== null && policy.sessionValue !== null && equal(cookie, policy.sessionValue);
}

/** `Set-Cookie` for a login: a session cookie (no expiry), HttpOnly, SameSite=Strict. */
export function sessionCookie(policy: AccessPolicy): string {
  return `${SESSION_COOKIE}=${policy.sessionValue ?? ''}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * A state-changing request must come from a page of this very origin: `Origin` names the host
 * the request was sent to (and an allowed one). Without `Origin`, only `Sec-Fetch-Site:
 * same-origin` will do.
 */
export function sameOrigin(req: IncomingMessage, policy: AccessPolicy): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return req.headers['sec-fetch-site'] === 'same-origin';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = req.headers.host ?? '';
  return url.host.toLowerCase() === host.toLowerCase() && policy.allowedHosts.has(hostName(url.host));
}

export function csrfValid(req: IncomingMessage, policy: AccessPolicy): boolean {
  const sent = req.headers['x-csrf-token'];
  return typeof sent === 'string' && equal(sent, policy.csrfToken);
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function equal(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
