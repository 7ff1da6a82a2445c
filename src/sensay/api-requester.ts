import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock/clock.js';
import { parseErrorEnvelope } from './error-envelope.js';
import { QuotaExceededError, SensayApiError, codeForStatus, isQuotaCode } from './errors.js';
import { errorMessage, sendHttp, type HttpAttemptResult } from './http-transport.js';
import type { RequestGate } from './request-limiter.js';
import type { ServerClockTracker } from './server-clock.js';
import { parseRetryAfter } from './retry-after.js';
import { decideRetry, type RequestFailure, type RequestKind, type RetryPolicy } from './retry-policy.js';

/** The longest a Retry-After may hold every request (a daemon must stay responsive). */
const MAX_HOLD_MS = 10 * 60_000;

/**
 * Sends one logical API call: limiter token, attempt, classify, retry per policy, log.
 * Knows the headers and the secret; knows nothing about individual endpoints.
 */

export interface ApiRequesterOptions {
  baseUrl: URL;
  headers: Readonly<Record<string, string>>;
  /** Scrubbed from any server text we repeat, in case a server echoes it back. */
  secret: string;
  timeoutMs: number;
  dispatcher: Dispatcher;
  limiter: RequestGate;
  retryPolicy: RetryPolicy;
  clock: Clock;
  log: Logger;
  random: () => number;
  /** Fed with every answer's `Date` header. */
  serverClock?: ServerClockTracker;
}

export interface ApiCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below the base URL, starting with `/v1/`; path parameters already encoded. */
  path: string;
  query?: URLSearchParams;
  json?: unknown;
  /** Send the JSON body with `Content-Encoding: gzip` when it is larger than this many bytes. */
  gzipAboveBytes?: number;
  kind: RequestKind;
  /** Non-2xx statuses the caller handles itself (e.g. 404 on GET → null); not errors, not logged. */
  passStatuses?: readonly number[];
  signal?: AbortSignal;
}

export type ApiCallResult =
  | { ok: true; status: number; body: unknown }
  | { ok: false; error: SensayApiError; ambiguous: boolean };

export class ApiRequester {
  readonly #o: ApiRequesterOptions;

  constructor(options: ApiRequesterOptions) {
    this.#o = options;
  }

  async call(call: ApiCall): Promise<ApiCallResult> {
    const url = this.#url(call);
    const headers: Record<string, string> = { ...this.#o.headers };
    let body: string | Buffer | undefined;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['Content-Type'] = 'application/json';
      if (call.gzipAboveBytes !== undefined && Buffer.byteLength(body) > call.gzipAboveBytes) {
        body = await gzipAsync(body);
        headers['Content-Encoding'] = 'gzip';
      }
    }

    for (let attempt = 1; ; attempt++) {
      await this.#o.limiter.acquire(call.signal);
      const startedAt = this.#o.clock.now();
      const result = await sendHttp({
        dispatcher: this.#o.dispatcher,
        method: call.method,
        url,
        headers,
        body,
        timeoutMs: this.#o.timeoutMs,
        signal: call.signal,
      });
      if (result.ok) this.#o.serverClock?.observe(result.headers.date, startedAt, this.#o.clock.now());
      const outcome = this.#interpret(call, url, result);
      if (outcome.ok) {
        this.#o.log.debug(
          { method: call.method, path: url.pathname, status: outcome.status, attempt, ms: this.#o.clock.now() - startedAt },
          'sensay request',
        );
        return outcome;
      }

      const { error, failure } = outcome;
      error.attempts = attempt;
      this.#honourThrottle(call, error);
      const decision = failure
        ? decideRetry(call.kind, failure, attempt, this.#o.retryPolicy, this.#o.random)
        : { retry: false as const, reason: 'not-retryable' as const, ambiguous: false };
      this.#o.log.warn(
        {
          ...error.toLogFields(),
          attempt,
          ...(decision.retry ? { retryInMs: decision.delayMs } : { final: decision.reason }),
        },
        'sensay API error',
      );
      if (!decision.retry) return { ok: false, error, ambiguous: decision.ambiguous };
      await this.#o.clock.sleep(decision.delayMs, call.signal);
    }
  }

  /**
   * A throttling 429 with Retry-After holds every later request of this client until then (the
   * request limit is per organisation). A create's Retry-After is the hourly upload limit instead,
   * which the uploader records as the shared `blockedUntil`; it must not stall polls and deletes.
   */
  #honourThrottle(call: ApiCall, error: SensayApiError): void {
    if (error.code !== 'RATE_LIMITED' || error.retryAfterMs === undefined || call.method === 'POST') return;
    const hold = Math.min(error.retryAfterMs, MAX_HOLD_MS);
    this.#o.limiter.holdUntil(this.#o.clock.now() + hold);
  }

  #url(call: ApiCall): URL {
    const base = this.#o.baseUrl;
    const url = new URL(base.href.replace(/\/+$/, '') + call.path);
    if (call.query) url.search = call.query.toString();
    // The secret rides on these headers: the URL must stay on the configured origin.
    if (url.origin !== base.origin) throw new Error(`Refusing to send API credentials to ${url.origin}`);
    return url;
  }

  #interpret(
    call: ApiCall,
    url: URL,
    result: HttpAttemptResult,
  ):
    | { ok: true; status: number; body: unknown }
    | { ok: false; error: SensayApiError; failure: RequestFailure | undefined } {
    const where = { method: call.method, path: url.pathname };
    if (!result.ok) {
      const code = result.phase === 'connect' ? 'UNREACHABLE' : result.phase === 'timeout' ? 'TIMEOUT' : 'CONNECTION_RESET';
      const failure: RequestFailure =
        result.phase === 'timeout' ? { kind: 'timeout' } : { kind: 'network', phase: result.phase === 'connect' ? 'connect' : 'sent' };
      const message = result.phase === 'timeout' ? `No answer within ${this.#o.timeoutMs} ms` : this.#scrub(errorMessage(result.error));
      return { ok: false, error: new SensayApiError({ ...where, code, message, cause: result.error }), failure };
    }

    const { status } = result;
    if (call.passStatuses?.includes(status)) return { ok: true, status, body: undefined };
    // A 2xx body that is not JSON reaches the endpoint's reader as `undefined`; a create then
    // becomes ambiguous there (it was acted on, but we cannot tell what it created).
    if (status >= 200 && status < 300) return { ok: true, status, body: parseJson(result.bodyText) };

    const envelope = parseErrorEnvelope(status, result.bodyText);
    const retryAfterMs = parseRetryAfter(result.headers['retry-after'], this.#o.clock.now());
    const requestIdHeader = result.headers['x-request-id'];
    const data = {
      ...where,
      status,
      message: this.#scrub(envelope.message),
      apiCode: envelope.apiCode,
      requestId: envelope.requestId ?? (typeof requestIdHeader === 'string' ? requestIdHeader : undefined),
      fingerprint: envelope.fingerprint,
      detail: envelope.detail,
      retryAfterMs,
    };
    const quota = status === 429 && isQuotaCode(envelope.apiCode);
    if (status >= 300 && status < 400) data.message = `Redirect ${status} not followed (redirects are never followed)`;
    const error = quota ? new QuotaExceededError(data) : new SensayApiError({ ...data, code: codeForStatus(status, envelope.apiCode) });
    const failure: RequestFailure | undefined =
      status >= 300 && status < 400 ? undefined : { kind: 'http', status, quota, retryAfterMs };
    return { ok: false, error, failure };
  }

  #scrub(text: string): string {
    const secret = this.#o.secret;
    return secret.length >= 4 ? text.split(secret).join('[REDACTED]') : text;
  }
}

const gzipAsync = promisify(gzip);

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
