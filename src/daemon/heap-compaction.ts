/**
 * Giving a burst's memory back. The catch-up pass (and every periodic rescan) of a large source
 * reads every document row, every file's stat and the plan at once; that garbage is promoted to
 * V8's old generation and grows the young generation to its maximum. V8 only collects when the
 * process allocates again, and an idle daemon hardly does: at 10,000 files ~60 MB of RSS stayed
 * held by dead pass data for as long as the daemon idled. So once the loop has been parked for a
 * few seconds after a pass over many files, it runs one full collection, which then also gives
 * the young generation's pages back. Measured: `npm run bench:idle`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';

/** A pass over fewer files leaves too little garbage to be worth a collection. */
export const COMPACT_AFTER_FILES = 1_000;
/**
 * How long the loop must have been parked before collecting: V8 only shrinks the young generation
 * (32 MB after a large pass) once its measured allocation rate has dropped, which takes seconds
 * of quiet (measured: 8 s was not enough, 15 s was).
 */
export const COMPACT_AFTER_PARKED_MS = 20_000;

export type FullCollection = () => void;

export interface HeapCompactor {
  /** A sync pass finished having looked at `files` files. */
  passFinished(files: number): void;
  /** The loop parks until `until`: after a large pass, a collection is due `COMPACT_AFTER_PARKED_MS` into the park. */
  parked(until: number): void;
  /** The loop woke: a collection not yet run waits for the next park. */
  woke(): void;
  /** Full collections run so far. */
  readonly collections: number;
}

/** Pure: whether a park of `parkedForMs` after `filesSinceLast` files looked at gets a collection. */
export function shouldCompact(filesSinceLast: number, parkedForMs: number): boolean {
  return filesSinceLast >= COMPACT_AFTER_FILES && parkedForMs > COMPACT_AFTER_PARKED_MS;
}

export function createHeapCompactor(clock: Clock, log: Logger, collect: FullCollection | null = fullCollection()): HeapCompactor {
  let files = 0;
  let collections = 0;
  let pending: AbortController | null = null;
  return {
    passFinished(count) {
      files += count;
    },
    parked(until) {
      if (collect === null || !shouldCompact(files, until - clock.now())) return;
      const wait = new AbortController();
      pending = wait;
      clock.sleep(COMPACT_AFTER_PARKED_MS, wait.signal).then(
        () => {
          if (pending !== wait) return;
          pending = null;
          files = 0;
          collections++;
          const before = process.memoryUsage();
          collect();
          const after = process.memoryUsage();
          log.debug({ heapUsedMb: mb(after.heapUsed), freedHeapMb: mb(before.heapUsed - after.heapUsed), rssMb: mb(after.rss) }, 'heap compacted after a large pass');
        },
        () => undefined,
      );
    },
    woke() {
      pending?.abort();
      pending = null;
    },
    get collections() {
      return collections;
    },
  };
}

/**
 * V8's full, synchronous collection (`gc()` of `--expose-gc`), reached without starting the
 * process with that flag: the flag only decides whether new contexts get a `gc` global, so a
 * context made after setting it hands one out. null where the runtime does not allow it.
 */
export function fullCollection(): FullCollection | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? () => void (gc as () => void)() : null;
  } catch {
    return null;
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 102.4) / 10;
}
