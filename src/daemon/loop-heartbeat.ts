import type { Clock } from '../clock/clock.js';

/** Where the daemon loop is, as liveness reads it. Times on the injected clock. */
export interface LoopVitals {
  /**
   * A round is running and last moved on then: its start, or its latest progress (a file
   * examined, a job done). null while the loop sleeps.
   */
  readonly busySince: number | null;
  /** The loop sleeps until then (null while a round runs). */
  readonly sleepingUntil: number | null;
  /** When the last round finished; null before the first. */
  readonly lastRoundAt: number | null;
}

export interface LoopHeartbeat {
  /** A round begins (the daemon's `roundStarting` observer). */
  roundStarting(): void;
  /**
   * Work inside the round moved on (the daemon's `progress` observer): a long round that keeps
   * moving, such as a first catch-up over thousands of files, is alive.
   */
  progress(): void;
  /** A round is over and the loop sleeps until `until` (the daemon's `sleeping` observer). */
  sleeping(until: number): void;
  vitals(): LoopVitals;
}

/** Fed by the daemon's observer; created busy, since the loop starts with a round. */
export function createLoopHeartbeat(clock: Clock): LoopHeartbeat {
  let vitals: LoopVitals = { busySince: clock.now(), sleepingUntil: null, lastRoundAt: null };
  return {
    roundStarting() {
      vitals = { ...vitals, busySince: clock.now(), sleepingUntil: null };
    },
    progress() {
      if (vitals.busySince !== null) vitals = { ...vitals, busySince: clock.now() };
    },
    sleeping(until) {
      vitals = { busySince: null, sleepingUntil: until, lastRoundAt: clock.now() };
    },
    vitals: () => vitals,
  };
}
