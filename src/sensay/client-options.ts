import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock/clock.js';
import type { RequestGate } from './request-limiter.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';

/** How a client is built: where the API is, who we are, and how patient to be. */
export interface SensayClientOptions {
  /** API origin (and optional path prefix), e.g. `https://api.sensay.io`. The secret goes here only. */
  baseUrl: string;
  apiVersion: string;
  userId?: string | null;
  /**
   * Only for authenticating by a linked account's id (docs.sensay.io/authentication, method 3).
   * The schema's first security option (the org secret alone) never needs it, so it is not sent
   * unless configured.
   */
  userIdType?: string | null;
  secret: string;
  requestsPerMinute: number;
  /**
   * Where request permits come from when several hosts share `requestsPerMinute`. Default: this
   * process's own sliding window of `requestsPerMinute`.
   */
  limiter?: RequestGate;
  /** Per API request, including reading the body. Default 95 s (the API gives up at 90 s). */
  timeoutMs?: number;
  /** Per signed-URL PUT: 50 MB over a slow uplink needs more than the API timeout. Default 10 min. */
  uploadTimeoutMs?: number;
  clock: Clock;
  log: Logger;
  random?: () => number;
  /** Attempts per request including the first. Default 4. */
  maxAttempts?: number;
  /** Longest Retry-After waited out inside a request; longer ones are raised. Default 60 s. */
  maxRetryAfterMs?: number;
  userAgent?: string;
  /** Bring your own dispatcher (the client will not close it). Default: a keep-alive Agent it owns. */
  dispatcher?: Dispatcher;
}

export const DEFAULT_TIMEOUT_MS = 95_000;
export const DEFAULT_UPLOAD_TIMEOUT_MS = 600_000;

/** The base URL, once every option is proven usable; a TypeError naming the option otherwise. */
export function validateClientOptions(options: SensayClientOptions): URL {
  const url = parseBaseUrl(options.baseUrl);
  // The secret's value is never echoed, not even in this message.
  if (typeof options.secret !== 'string' || options.secret.trim() === '' || /[\r\n]/.test(options.secret)) {
    throw new TypeError('Expected `secret` to be a non-empty single-line string');
  }
  if (typeof options.apiVersion !== 'string' || options.apiVersion === '') {
    throw new TypeError(`Expected \`apiVersion\` to be a non-empty string, got \`${String(options.apiVersion)}\``);
  }
  for (const key of ['timeoutMs', 'uploadTimeoutMs', 'maxRetryAfterMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new TypeError(`Expected \`${key}\` to be a finite number > 0, got \`${value}\``);
    }
  }
  if (options.maxAttempts !== undefined && !(Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1)) {
    throw new TypeError(`Expected \`maxAttempts\` to be an integer >= 1, got \`${options.maxAttempts}\``);
  }
  return url;
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`Expected \`baseUrl\` to be an absolute http(s) URL, got \`${baseUrl}\``);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Expected \`baseUrl\` to be an absolute http(s) URL, got \`${baseUrl}\``);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError('Expected `baseUrl` without credentials, query or fragment');
  }
  return url;
}

/** The headers of every API request (never of a signed-URL PUT or a download). */
export function apiHeaders(options: SensayClientOptions, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {
    'X-ORGANIZATION-SECRET': options.secret,
    'X-API-Version': options.apiVersion,
    'User-Agent': userAgent,
    Accept: 'application/json',
  };
  if (options.userId) headers['X-USER-ID'] = options.userId;
  if (options.userId && options.userIdType) headers['X-USER-ID-TYPE'] = options.userIdType;
  return headers;
}

export function retryPolicyOf(options: SensayClientOptions): RetryPolicy {
  return Object.freeze({
    ...defaultRetryPolicy,
    maxAttempts: options.maxAttempts ?? defaultRetryPolicy.maxAttempts,
    maxRetryAfterMs: options.maxRetryAfterMs ?? defaultRetryPolicy.maxRetryAfterMs,
  });
}

/** Plain http is fine to this machine; anywhere else the secret would travel unencrypted. */
export function warnIfSecretUnencrypted(baseUrl: URL, log: Logger): void {
  if (baseUrl.protocol === 'http:' && !isLoopback(baseUrl.hostname)) {
    log.warn({ origin: baseUrl.origin }, 'the API base URL is plain http: the organisation secret travels unencrypted');
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || /^127\./.test(hostname);
}
