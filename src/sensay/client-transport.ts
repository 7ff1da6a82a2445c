import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import { ApiRequester } from './api-requester.js';
import {
  apiHeaders,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_UPLOAD_TIMEOUT_MS,
  retryPolicyOf,
  type SensayClientOptions,
} from './client-options.js';
import type { DownloadDeps } from './entry-download.js';
import { RequestLimiter } from './request-limiter.js';
import { ServerClockTracker } from './server-clock.js';
import type { SignedUploadDeps } from './signed-upload.js';
import { userAgent as defaultUserAgent } from './user-agent.js';

/**
 * What every request of one client shares: the connection pool, the request limiter, the view
 * of the server's clock, and the requester that sends API calls with the secret. Signed-URL PUTs
 * and downloads go through the same pool but never carry a Sensay header.
 */
export interface ClientTransport {
  readonly requester: ApiRequester;
  readonly serverClock: ServerClockTracker;
  readonly upload: SignedUploadDeps;
  readonly download: DownloadDeps;
  /** Closes the pool when the client owns it (a dispatcher handed in is left open). */
  close(): Promise<void>;
}

export function openTransport(options: SensayClientOptions, baseUrl: URL, log: Logger): ClientTransport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const dispatcher = options.dispatcher ?? keepAliveAgent(timeoutMs);
  const random = options.random ?? Math.random;
  const retryPolicy = retryPolicyOf(options);
  const userAgent = options.userAgent ?? defaultUserAgent;
  const limiter = options.limiter ?? new RequestLimiter({ requestsPerMinute: options.requestsPerMinute, clock: options.clock });
  const serverClock = new ServerClockTracker();
  const requester = new ApiRequester({
    baseUrl,
    headers: Object.freeze(apiHeaders(options, userAgent)),
    secret: options.secret,
    timeoutMs,
    dispatcher,
    limiter,
    serverClock,
    retryPolicy,
    clock: options.clock,
    log,
    random,
  });
  const uploadTimeoutMs = options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
  let closed: Promise<void> | undefined;
  return {
    requester,
    serverClock,
    upload: { dispatcher, userAgent, timeoutMs: uploadTimeoutMs, retryPolicy, clock: options.clock, log, random },
    download: { dispatcher, userAgent, timeoutMs, limiter },
    close() {
      closed ??= options.dispatcher === undefined ? dispatcher.close() : Promise.resolve();
      return closed;
    },
  };
}

function keepAliveAgent(timeoutMs: number): Dispatcher {
  return new Agent({ keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: 10_000 } });
}
