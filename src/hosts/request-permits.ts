import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { SharedRequestLimiter, type PermitSource } from '../sensay/shared-request-limiter.js';
import type { Store } from '../store/store.js';

/** The API's request limit is per minute. */
export const REQUEST_WINDOW_MS = 60_000;
/** A batch of permits is used within this long or dropped (the store counts it this much longer). */
export const PERMIT_HOLD_MS = 5_000;

/** Small batches: a twentieth of the limit, 1 to 5 permits (100/min → 5 per store round trip). */
export function permitBatch(requestsPerMinute: number): number {
  return Math.max(1, Math.min(5, Math.floor(requestsPerMinute / 20)));
}

/** Request permits from the store's window, named after the API origin like the upload budget. */
export function storePermits(store: Pick<Store, 'takeRequestPermits'>, options: { scope: string; requestsPerMinute: number; hostName: string }): PermitSource {
  return {
    take: (want, now) =>
      store.takeRequestPermits({
        scope: `${options.scope}#requests`,
        want,
        limit: options.requestsPerMinute,
        windowMs: REQUEST_WINDOW_MS + PERMIT_HOLD_MS,
        now,
        hostName: options.hostName,
      }),
  };
}

/**
 * `requestsPerMinute` shared by every host on the store (issue 10 §2): each host takes small
 * batches of permits from one window, so together they stay under the limit in any minute.
 */
export function sharedRequestLimiter(deps: {
  store: Pick<Store, 'takeRequestPermits'>;
  clock: Clock;
  log: Logger;
  scope: string;
  requestsPerMinute: number;
  hostName: string;
}): SharedRequestLimiter {
  let warned = false;
  return new SharedRequestLimiter({
    permits: storePermits(deps.store, deps),
    clock: deps.clock,
    batch: permitBatch(deps.requestsPerMinute),
    holdMs: PERMIT_HOLD_MS,
    onUnavailable: (err) => {
      if (warned) return;
      warned = true;
      deps.log.warn({ err }, 'the shared request window cannot be read (state store unavailable); API requests wait for it');
    },
  });
}
