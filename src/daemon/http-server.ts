/**
 * `GET /healthz` (liveness), `GET /readyz` (readiness) and `GET /metrics` for the daemon, on a
 * plain node:http server. Read-only: each request reads the durable state through `summary` and
 * the loop's vitals, so a probe never waits for the loop. No body shows a path or an error's text.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { OrganisationView } from '../hosts/host-view.js';
import type { ConsoleHandler } from '../console/console-handler.js';
import type { EngineSummary } from '../engine/create-engine.js';
import { livenessProblems, readinessProblems, type HealthReason } from './health-decisions.js';
import { livenessBody, readinessBody } from './health.js';
import type { LoopVitals } from './loop-heartbeat.js';
import type { DaemonMetrics } from './metrics.js';

export interface StatusServerOptions {
  /** 0 picks a free port (read `url`); the `watch` command serves nothing when the config says 0. */
  readonly port: number;
  readonly host: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** When the daemon started, for `uptimeSeconds`. */
  readonly startedAt: number;
  readonly summary: () => Promise<EngineSummary>;
  /** Documents of every host by source and owning host, for /metrics. */
  readonly organisation?: () => Promise<OrganisationView>;
  readonly metrics: DaemonMetrics;
  readonly health: HealthSources;
  /** The operator console at `/` and `/api/`; it also guards `/metrics` (Host, token). */
  readonly console?: ConsoleHandler;
}

/** What liveness and readiness are judged on (see health-decisions.ts). */
export interface HealthSources {
  readonly loop: () => LoopVitals;
  readonly apiDownSince: () => number | null;
  /** `status.pollIntervalSeconds` × 1000. */
  readonly pollIntervalMs: number;
  /** `daemon.unhealthyAfterSeconds` × 1000. */
  readonly unhealthyAfterMs: number;
}

const PATHS = ['/healthz', '/readyz', '/metrics'];
const JSON_TYPE = 'application/json; charset=utf-8';

export interface StatusServer extends AsyncDisposable {
  /** e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** Stops listening and cuts open connections. Idempotent. */
  close(): Promise<void>;
}

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const log = options.log.child({ component: 'status-server' });
  const server = await serveHttp((req, res) => route(req, res, options), { port: options.port, host: options.host, log });
  log.info({ url: server.url }, options.console ? 'serving the console at / and /healthz, /readyz, /metrics' : 'serving /healthz, /readyz and /metrics');
  const close = () => server.close().finally(() => options.console?.close());
  return { url: server.url, close, [Symbol.asyncDispose]: close };
}

/**
 * A plain node:http server on `host:port` running `handler` for each request; an unexpected
 * error is logged and answered 500 without its text.
 */
export async function serveHttp(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options: { port: number; host: string; log: Logger },
): Promise<StatusServer> {
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      options.log.error({ err }, 'HTTP request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  await listen(server, options.port, options.host);
  const url = originOf(server.address() as AddressInfo);
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { url, close, [Symbol.asyncDispose]: close };
}

async function route(req: IncomingMessage, res: ServerResponse, options: StatusServerOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  // Probes stay tokenless; the console guards /metrics as it guards itself.
  if (options.console && path !== '/healthz' && path !== '/readyz') {
    if (path === '/metrics' ? !options.console.admit(req, res) : await options.console.handle(req, res, path)) return;
  }
  if (!PATHS.includes(path)) return send(res, 404, 'text/plain; charset=utf-8', 'not found: try /, /healthz, /readyz or /metrics\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  const summary = await readSummary(options);
  const now = options.clock.now();
  const { health, startedAt } = options;
  const liveness = livenessProblems(health.loop(), now, health.pollIntervalMs);
  if (path === '/healthz') return sendJson(res, liveness, livenessBody(liveness, summary, startedAt, now));
  if (path === '/readyz') {
    const reasons = readinessProblems({
      now,
      liveness,
      apiDownSince: health.apiDownSince(),
      unhealthyAfterMs: health.unhealthyAfterMs,
      paused: summary?.paused ?? null,
    });
    return sendJson(res, reasons, readinessBody(reasons, startedAt, now));
  }
  if (summary === null) {
    const reasons: HealthReason[] = [{ code: 'STORE_UNUSABLE' }];
    return sendJson(res, reasons, readinessBody(reasons, startedAt, now));
  }
  const organisation = await options.organisation?.().catch(() => undefined);
  return send(res, 200, options.metrics.contentType, await options.metrics.render(summary, organisation));
}

/** The state, or null when the store cannot be read (the error, path and all, goes to the log only). */
async function readSummary(options: StatusServerOptions): Promise<EngineSummary | null> {
  try {
    return await options.summary();
  } catch (error) {
    options.log.warn({ err: error }, 'health check: the state store cannot be read');
    return null;
  }
}

function sendJson(res: ServerResponse, reasons: readonly HealthReason[], body: object): void {
  send(res, reasons.length === 0 ? 200 : 503, JSON_TYPE, `${JSON.stringify(body)}\n`);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function originOf(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
