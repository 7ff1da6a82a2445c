import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { authenticated, csrfValid, hostAllowed, sameOrigin, sessionCookie, type AccessPolicy } from './access-policy.js';
import { ACTIONS, runAction, type ActionName, type ConsoleActionDeps } from './console-actions.js';
import { ConsoleRequestError } from './console-errors.js';
import { readFormToken, readJsonBody } from './request-body.js';
import { routeRead } from './console-routes.js';
import type { ChangeFeed } from './change-feed.js';
import { loginPage, type PageAssets } from './page-assets.js';

/** On every console response: no inline script, no framing, no sniffing, no referrer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface ConsoleHandlerDeps {
  readonly actions: ConsoleActionDeps;
  readonly policy: AccessPolicy;
  readonly assets: PageAssets;
  readonly feed: ChangeFeed;
  readonly log: Logger;
}

export interface ConsoleHandler {
  /** Serves `/`, `/login`, `/assets/…` and `/api/…`; false for any other path (not answered). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  /** Host and token checks for another guarded path (`/metrics`); false once the refusal is sent. */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  close(): void;
}

export function createConsoleHandler(deps: ConsoleHandlerDeps): ConsoleHandler {
  const { policy } = deps;
  const admit = (req: IncomingMessage, res: ServerResponse): boolean => {
    secure(res);
    if (!hostAllowed(req, policy)) {
      sendError(res, hostRefused());
      return false;
    }
    if (authenticated(req, policy)) return true;
    sendError(res, unauthorised());
    return false;
  };

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!(path === '/' || path === '/login' || path.startsWith('/assets/') || path === '/api' || path.startsWith('/api/'))) return false;
    secure(res);
    if (!hostAllowed(req, policy)) {
      sendError(res, hostRefused());
      return true;
    }
    try {
      await dispatch(req, res, path);
    } catch (error) {
      if (error instanceof ConsoleRequestError) sendError(res, error);
      else {
        deps.log.error({ err: error, path }, 'console request failed');
        sendError(res, new ConsoleRequestError(500, 'INTERNAL', 'internal error; the daemon log has the details'));
      }
    }
    return true;
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const asset = deps.assets.files.get(path);
    if (path.startsWith('/assets/')) {
      if (!asset) throw new ConsoleRequestError(404, 'NOT_FOUND', 'no such asset');
      allow(method, ['GET', 'HEAD']);
      return send(res, 200, asset.type, asset.body);
    }
    if (path === '/login') return login(req, res, method);
    if (!authenticated(req, policy)) {
      if (path === '/') return send(res, 401, 'text/html; charset=utf-8', loginPage(false));
      throw unauthorised();
    }
    if (path === '/' && asset) {
      allow(method, ['GET', 'HEAD']);
      return send(res, 200, asset.type, asset.body);
    }
    if (path.startsWith('/api/actions/')) return action(req, res, method, path.slice('/api/actions/'.length));
    allow(method, ['GET', 'HEAD']);
    if (path === '/api/events') return deps.feed.attach(res);
    if (path === '/api/session') {
      return sendJson(res, 200, { csrfToken: policy.csrfToken, tokenRequired: policy.tokenRequired, carriedOut: deps.actions.daemon ? 'now' : 'next-run', sources: deps.actions.sources.map((s) => s.name) });
    }
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    return sendJson(res, 200, await routeRead(deps.actions, path, params));
  }

  async function login(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    allow(method, ['GET', 'HEAD', 'POST']);
    if (method !== 'POST') return send(res, 200, 'text/html; charset=utf-8', loginPage(false));
    if (!sameOrigin(req, policy)) throw new ConsoleRequestError(403, 'ORIGIN_REFUSED', 'sign in from the console page itself');
    const token = await readFormToken(req);
    if (!policy.tokenRequired) return redirectHome(res, null);
    if (token === null || !policy.tokenMatches(token)) return send(res, 401, 'text/html; charset=utf-8', loginPage(true));
    return redirectHome(res, sessionCookie(policy));
  }

  async function action(req: IncomingMessage, res: ServerResponse, method: string, name: string): Promise<void> {
    if (!(ACTIONS as readonly string[]).includes(name)) throw new ConsoleRequestError(404, 'NOT_FOUND', `no action "${name.slice(0, 40)}"; actions: ${ACTIONS.join(', ')}`);
    allow(method, ['POST']);
    if (!sameOrigin(req, policy)) throw new ConsoleRequestError(403, 'ORIGIN_REFUSED', 'actions are taken from the console\'s own origin only (the Origin header must name it)');
    if (!csrfValid(req, policy)) throw new ConsoleRequestError(403, 'CSRF_REFUSED', 'missing or stale X-CSRF-Token: read it again from GET /api/session');
    const body = await readJsonBody(req);
    const result = await runAction(deps.actions, name as ActionName, body);
    deps.feed.changed();
    return sendJson(res, 200, result);
  }

  return { handle, admit, close: () => deps.feed.close() };
}

function hostRefused(): ConsoleRequestError {
  return new ConsoleRequestError(421, 'HOST_NOT_ALLOWED', 'this Host is not one the console answers to; use the address it is bound to, localhost, or daemon.publicHost');
}

function unauthorised(): ConsoleRequestError {
  return new ConsoleRequestError(401, 'UNAUTHORIZED', 'sign in at / with the token in daemon.tokenFile, or send "Authorization: Bearer TOKEN"');
}

function allow(method: string, methods: readonly string[]): void {
  if (!methods.includes(method)) throw new ConsoleRequestError(405, 'METHOD_NOT_ALLOWED', `use ${methods.join(' or ')}`);
}

function secure(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

function redirectHome(res: ServerResponse, cookie: string | null): void {
  if (cookie) res.setHeader('Set-Cookie', cookie);
  res.writeHead(303, { Location: '/' });
  res.end();
}

function sendError(res: ServerResponse, error: ConsoleRequestError): void {
  if (error.status === 405) res.setHeader('Allow', error.message.replace(/^use /, '').replace(/ or /g, ', '));
  sendJson(res, error.status, error.toJson());
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': type });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
