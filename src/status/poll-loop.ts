import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { PollResult } from './poll-types.js';
import type { StatusPoller } from './poller.js';

export interface PollLoopOptions {
  poller: StatusPoller;
  clock: Clock;
  /** `status.pollIntervalSeconds` × 1000. */
  intervalMs: number;
  log: Logger;
  /** Aborting ends the loop (resolves); the cycle in hand stops between documents. */
  signal?: AbortSignal;
  onCycle?(result: PollResult): void;
  /** Ends the loop after a cycle, e.g. `sync` stops once nothing is processing. */
  stopWhen?(result: PollResult): boolean | Promise<boolean>;
}

/**
 * Polls, then sleeps `intervalMs` on the clock, until aborted or `stopWhen` says so. A cycle
 * that throws is logged and the loop keeps going: the next cycle resumes from the store.
 */
export async function runPollLoop(options: PollLoopOptions): Promise<void> {
  const { poller, clock, intervalMs, signal } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`Expected \`intervalMs\` to be a finite number > 0, got \`${intervalMs}\``);
  }
  const log = options.log.child({ component: 'poll-loop' });
  while (signal?.aborted !== true) {
    try {
      const result = await poller.pollOnce(signal === undefined ? {} : { signal });
      options.onCycle?.(result);
      if (await options.stopWhen?.(result)) return;
    } catch (err) {
      if (signal?.aborted) return;
      log.error({ err }, 'poll cycle failed');
    }
    try {
      await clock.sleep(intervalMs, signal);
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
  }
}
