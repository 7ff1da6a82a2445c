import type { Clock } from '../../clock/clock.js';
import type { DocumentRecord } from '../../store/store.js';
import type { CliIo } from '../io.js';
import { createLifecycleView } from './progress-view.js';

export interface DocumentFollower {
  /** Prints the last changes and stops looking. Idempotent. */
  stop(): Promise<void>;
}

/** How often a one-shot run looks for state changes to print. */
export const FOLLOW_EVERY_MS = 1000;

/**
 * One line per document state change while a one-shot command (`sync`) runs: the states are
 * taken as they are at the start (not printed), then read again every `everyMs` and at the end.
 */
export async function followDocuments(
  io: CliIo,
  listDocuments: () => Promise<DocumentRecord[]>,
  clock: Clock,
  everyMs = FOLLOW_EVERY_MS,
): Promise<DocumentFollower> {
  const view = createLifecycleView(io, listDocuments);
  // Unreadable now: the run itself reports the store's problem; changes are still shown later.
  await view.baseline().catch(() => undefined);
  const stopped = new AbortController();
  const looking = (async () => {
    while (!stopped.signal.aborted) {
      try {
        await clock.sleep(everyMs, stopped.signal);
      } catch {
        break;
      }
      view.refresh();
      await view.settled();
    }
  })();
  let done: Promise<void> | undefined;
  return {
    stop: () =>
      (done ??= (async () => {
        stopped.abort();
        await looking;
        view.refresh();
        await view.settled();
      })()),
  };
}

/** For commands that may or may not follow: nothing to stop. */
export const NOT_FOLLOWING: DocumentFollower = { stop: async () => undefined };
