import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/types.js';
import type { Secret } from '../config/secret.js';
import { createSensayClient, type SensayClient } from '../sensay/client.js';
import type { RequestGate } from '../sensay/request-limiter.js';
import { systemClock } from '../clock/clock.js';

/** The one place that turns configuration into a live API client. */
export function createApiClient(config: LoadedConfig, secret: Secret, log: Logger, options: { limiter?: RequestGate } = {}): SensayClient {
  return createSensayClient({
    baseUrl: config.api.baseUrl,
    apiVersion: config.api.apiVersion,
    userId: config.api.userId,
    secret: secret.reveal(),
    requestsPerMinute: config.limits.requestsPerMinute,
    ...(options.limiter && { limiter: options.limiter }),
    timeoutMs: config.api.timeoutSeconds * 1000,
    clock: systemClock,
    log,
  });
}
