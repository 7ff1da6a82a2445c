import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestContext, SimContext } from './context.js';
import type { RequestScope } from './faults.js';
import { decodeBody, drainBody, readBody } from './http-body.js';
import { apiError, injectedError, newRequestId, type Reply } from './reply.js';
import { SECRET_HEADER, type MutableRecord, type RequestLog } from './request-log.js';
import { matchRoute, type RouteMatch } from './router.js';
import { retryAfterSeconds } from './sliding-window.js';

export const REQUEST_RATE_CODE = 'REQUEST_RATE_LIMIT_EXCEEDED';

/**
 * The request pipeline, in the order a client meets it: injected latency, dropped connection,
 * injected 5xx, then (API routes only) authentication, the per-minute window, routing, the
 * JSON body, and finally the handler.
 */
export function createRequestListener(sim: SimContext, requestLog: RequestLog): RequestListener {
  let sequence = 0;
  return (req, res) => {
    const seq = ++sequence;
    const arrivedAt = sim.config.clock.now();
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const requestId = newRequestId(seq, arrivedAt);
    const record = requestLog.start({ seq, at: arrivedAt, method, url, headers: req.headers, requestId, remoteAddress: req.socket.remoteAddress });
    sim.stats.requests++;
    res.once('finish', () => {
      record.status = res.statusCode;
      record.outcome = 'answered';
      sim.stats.byStatus[res.statusCode] = (sim.stats.byStatus[res.statusCode] ?? 0) + 1;
      sim.config.log.debug({ method, path: url.pathname, status: res.statusCode, requestId }, 'sim request');
    });
    res.once('close', () => {
      if (record.outcome === 'pending') record.outcome = 'aborted';
    });
    const match = matchRoute(method, url.pathname);
    decide(sim, { method, url, requestId, req }, match)
      .then((reply) => deliver(sim, reply, req, res, record))
      .catch((err: unknown) => {
        sim.config.log.error({ err, method, path: url.pathname, requestId }, 'simulator handler failed');
        if (res.headersSent) res.destroy();
        else void deliver(sim, apiError(500, requestId, 'Unexpected simulator failure'), req, res, record);
      });
  };
}

type Incoming = { method: string; url: URL; requestId: string; req: IncomingMessage };

async function decide(sim: SimContext, incoming: Incoming, match: RouteMatch): Promise<Reply> {
  const { req, requestId } = incoming;
  const scope: RequestScope = match.kind === 'found' ? match.route.scope : match.kind === 'wrong-method' ? match.scope : 'api';
  const latency = sim.faults.latencyFor(scope);
  if (latency > 0) {
    try {
      await sim.config.clock.sleep(latency, sim.closing);
    } catch {
      return { kind: 'drop' };
    }
  }
  if (sim.faults.takeDrop(scope)) {
    sim.stats.dropped++;
    await (scope === 'upload' ? firstChunk(req) : drainBody(req));
    return { kind: 'drop' };
  }
  const throttled = sim.faults.takeThrottle(scope);
  if (throttled !== null) {
    sim.stats.throttled++;
    return apiError(429, requestId, 'Simulated throttle', { code: REQUEST_RATE_CODE, headers: { 'retry-after': String(throttled) } });
  }
  const injected = sim.faults.takeError(scope);
  if (injected) {
    sim.stats.injectedErrors++;
    return injectedError(injected.status, injected.body, requestId);
  }
  const refused = scope === 'upload' && match.kind === 'found' ? sim.faults.takeUploadRefusal() : null;
  if (refused !== null) {
    sim.stats.injectedErrors++;
    await drainBody(req);
    return apiError(refused, requestId, `Simulated storage refusal (${refused})`, { code: 'SIMULATED_UPLOAD_REFUSAL' });
  }
  const now = sim.config.clock.now();
  if (scope === 'api') {
    const gate = admitApiRequest(sim, req, requestId, now);
    if (gate) return gate;
  }
  if (match.kind === 'none') return apiError(404, requestId, `Cannot ${incoming.method} ${incoming.url.pathname}`);
  if (match.kind === 'wrong-method') {
    return apiError(405, requestId, `Method ${incoming.method} not allowed`, {
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: match.allowed.join(', ') },
    });
  }
  let body: unknown;
  if (match.route.jsonBody) {
    const parsed = await readJson(sim, req, requestId);
    if (!parsed.ok) return parsed.reply;
    body = parsed.value;
  }
  const request: RequestContext = { ...incoming, params: match.params, headers: req.headers, body, raw: req, now };
  return match.route.handler(sim, request);
}

/** Authentication, then the per-minute window (which counts only authenticated, admitted calls). */
function admitApiRequest(sim: SimContext, req: IncomingMessage, requestId: string, now: number): Reply | null {
  if (!secretMatches(req.headers[SECRET_HEADER], sim.config.secret)) {
    sim.stats.unauthorized++;
    const message = req.headers[SECRET_HEADER] === undefined ? 'Missing X-ORGANIZATION-SECRET header' : 'Invalid organization secret';
    return apiError(401, requestId, message, { code: 'UNAUTHORIZED' });
  }
  const slot = sim.requestsWindow.tryAcquire(now);
  if (slot.ok) return null;
  sim.stats.throttled++;
  sim.stats.throttledRequests++;
  const seconds = retryAfterSeconds(slot.retryAfterMs);
  return apiError(429, requestId, `Rate limit of ${sim.config.requestsPerMinute} requests per minute exceeded`, {
    code: REQUEST_RATE_CODE,
    headers: { 'retry-after': String(seconds) },
  });
}

function secretMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

const isJson = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';

async function readJson(sim: SimContext, req: IncomingMessage, requestId: string): Promise<{ ok: true; value: unknown } | { ok: false; reply: Reply }> {
  const fail = (status: number, message: string, code: string) => ({ ok: false as const, reply: apiError(status, requestId, message, { code }) });
  if (!isJson(req.headers['content-type'])) {
    return fail(415, 'Unsupported Media Type: send Content-Type: application/json', 'UNSUPPORTED_MEDIA_TYPE');
  }
  const limit = sim.config.maxJsonBodyBytes;
  const raw = await readBody(req, limit);
  if (!raw.ok && raw.reason === 'ABORTED') return { ok: false, reply: { kind: 'drop' } };
  if (!raw.ok) return fail(413, `Request body exceeds ${limit} bytes`, 'PAYLOAD_TOO_LARGE');
  const decoded = decodeBody(raw.value, req.headers['content-encoding'], limit);
  if (!decoded.ok) {
    if (decoded.reason === 'UNSUPPORTED_ENCODING') return fail(415, 'Unsupported Content-Encoding (use gzip or none)', 'UNSUPPORTED_MEDIA_TYPE');
    if (decoded.reason === 'TOO_LARGE') return fail(413, `Request body exceeds ${limit} bytes`, 'PAYLOAD_TOO_LARGE');
    return fail(400, 'Request body is not valid gzip', 'INVALID_REQUEST_BODY');
  }
  try {
    return { ok: true, value: JSON.parse(decoded.value.toString('utf8')) };
  } catch {
    return fail(400, 'Request body is not valid JSON', 'INVALID_REQUEST_BODY');
  }
}

function firstChunk(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.once('data', () => resolve());
    req.once('end', () => resolve());
    req.once('close', () => resolve());
  });
}

async function deliver(sim: SimContext, reply: Reply, req: IncomingMessage, res: ServerResponse, record: MutableRecord): Promise<void> {
  if (reply.kind === 'drop') {
    record.outcome = 'dropped';
    req.socket.destroy();
    return;
  }
  if (reply.kind === 'hang') {
    record.outcome = 'hung';
    await untilGone(req, sim.closing);
    req.socket.destroy();
    return;
  }
  // Answer only once the body is in, so a client still sending does not meet a reset.
  if (!req.readableEnded) await drainBody(req);
  if (res.destroyed) return;
  const isJsonReply = reply.kind === 'json';
  const payload = isJsonReply ? JSON.stringify(reply.body) : reply.body;
  res.writeHead(reply.status, {
    'content-type': isJsonReply ? 'application/json; charset=utf-8' : reply.contentType,
    'content-length': Buffer.byteLength(payload),
    // The server's own clock (with its offset), not the host's: clients estimate skew from it.
    date: new Date(sim.config.clock.now() + sim.config.clockOffsetMs).toUTCString(),
    ...(isJsonReply ? reply.headers : {}),
  });
  res.end(payload);
}

function untilGone(req: IncomingMessage, closing: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (closing.aborted || req.socket.destroyed) return resolve();
    req.socket.once('close', () => resolve());
    closing.addEventListener('abort', () => resolve(), { once: true });
  });
}
