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
/** What today's code settles without help (the CI run); the full soak adds the others. */
const HANDLED_TODAY: readonly FaultKind[] = ['5xx-burst', 'connection-reset', 'throttle-429', 'slow-put', 'slow-api'];

const MINUTE = 60_000;

export function phasesFor(mode: 'full' | 'short'): Phase[] {
  const fast = { uploadsPerHour: 1000, documents: 8, mutate: true, textSource: true, budgetBound: false };
  const budget: Phase = {
    name: 'budget-10-per-hour',
    uploadsPerHour: 10,
    skewMs: 0,
    kills: 25,
    faults: HANDLED_TODAY,
    documents: 14,
    mutate: false,
    textSource: false,
    budgetBound: true,
  };
  if (mode === 'short') return [{ ...fast, name: 'steady', skewMs: 0, kills: 180, faults: HANDLED_TODAY }, budget];
  return [
    { ...fast, name: 'steady', skewMs: 0, kills: 110, faults: EVERY_FAULT },
    { ...fast, name: 'server-clock+15min', skewMs: 15 * MINUTE, kills: 35, faults: EVERY_FAULT },
    { ...fast, name: 'server-clock-15min', skewMs: -15 * MINUTE, kills: 35, faults: EVERY_FAULT },
    budget,
  ];
}
