import type { FaultKind } from './faults.js';

/** One stretch of the soak: its own folders, state file and simulator. */
export interface Phase {
  readonly name: string;
  /** The client's budget (`limits.uploadsPerHour`); the simulator itself never limits creates. */
  readonly uploadsPerHour: number;
  /** The server's clock minus ours. */
  readonly skewMs: number;
  readonly kills: number;
  readonly faults: readonly FaultKind[];
  /** Documents per source at the start. */
  readonly documents: number;
  /** Whether the harness edits the folders between runs (create, replace, delete, rename). */
  readonly mutate: boolean;
  /** Whether there is a text-mode source beside the file-mode one. */
  readonly textSource: boolean;
  /**
   * The budget phase: every document cannot be uploaded within the phase, so "each file has its
   * READY entry" is replaced by "each file has at most one entry, or is still queued".
   */
  readonly budgetBound: boolean;
}

const EVERY_FAULT: readonly FaultKind[] = ['5xx-burst', 'connection-reset', 'throttle-429', 'slow-put', 'failing-put', 'slow-api', 'create-timeout'];
const MINUTE = 60_000;

/**
 * `full` (`npm run soak`): 205 kills, ~9 min here. `short` (`.ci/run`): the same phases, faults and
 * clock skews with fewer kills (101), to stay under ~5 min.
 */
export function phasesFor(mode: 'full' | 'short'): Phase[] {
  const fast = { uploadsPerHour: 1000, documents: 8, mutate: true, textSource: true, budgetBound: false, faults: EVERY_FAULT };
  const short = mode === 'short';
  const budget: Phase = {
    name: 'budget-10-per-hour',
    uploadsPerHour: 10,
    skewMs: 0,
    kills: short ? 20 : 25,
    faults: EVERY_FAULT,
    documents: 14,
    mutate: false,
    textSource: false,
    budgetBound: true,
  };
  return [
    { ...fast, name: 'steady', skewMs: 0, kills: short ? 45 : 110 },
    { ...fast, name: 'server-clock+15min', skewMs: 15 * MINUTE, kills: short ? 18 : 35 },
    { ...fast, name: 'server-clock-15min', skewMs: -15 * MINUTE, kills: short ? 18 : 35 },
    budget,
  ];
}
