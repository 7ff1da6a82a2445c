/**
 * Long pure computations written as generators that `yield` now and then (every STEP items of
 * their loops), so one body of logic serves two drivers: `runSteps` runs it to the end at once
 * (tests, small inputs), `runPaced` gives the event loop a turn whenever a slice of time is used
 * up. The planner over 100,000 documents is ~1 s of CPU: paced, the daemon's console, metrics and
 * API timers keep answering while it plans. Where the yields fall changes nothing in the result.
 */
import { performance } from 'node:perf_hooks';
import { nextTurn } from './loop-turns.js';

/** Items a loop handles between two yields. */
export const STEP = 512;

export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to their result without stopping. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}

/** Runs the steps, giving the event loop a turn after each `sliceMs` of work. */
export async function runPaced<T>(steps: Steps<T>, sliceMs = 10): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}

/** `items.map(fn)` as steps. */
export function* mapSteps<T, U>(items: readonly T[], fn: (item: T) => U): Steps<U[]> {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) {
    out.push(fn(items[i] as T));
    if (i % STEP === STEP - 1) yield;
  }
  return out;
}
