/**
 * Turns of the event loop inside long passes. With SQLite every store call answers synchronously,
 * so a pass's `await`s resolve as microtasks and never let timers, sockets or the console run:
 * without explicit turns a pass over 100,000 documents held the loop from its plan to its end
 * (~1.5 s). Work between turns stays in the tens of milliseconds where it is cut in steps.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export { nextTurn };

/** An `await`able tick: every `every`-th call gives the event loop a turn, the others cost nothing. */
export function turnEvery(every: number): () => Promise<void> | undefined {
  let count = 0;
  return () => (++count % every === 0 ? nextTurn() : undefined);
}
