import type { Clock } from '../clock/clock.js';
import { UNREACHABLE_CODES, type SensayApiError } from '../sensay/errors.js';

/**
 * Since when the API has not been reachable: set by the first call that failed for want of an
 * answer (after the client's retries: refused, reset, timed out, 5xx), cleared by any call that
 * got one. Refusals (4xx, 429) are answers: the API is there.
 */
export interface ApiReachability {
  failed(error: SensayApiError): void;
  answered(): void;
  /** null while the API answers. */
  downSince(): number | null;
}

export function createApiReachability(clock: Clock): ApiReachability {
  let since: number | null = null;
  return {
    failed(error) {
      if (UNREACHABLE_CODES.has(error.code)) since ??= clock.now();
      else since = null;
    },
    answered() {
      since = null;
    },
    downSince: () => since,
  };
}
