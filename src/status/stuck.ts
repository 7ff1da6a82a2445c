/**
 * Stall detection. An entry can sit in a processing state forever (a `NEW` file entry whose
 * upload never arrived, a pipeline that lost it); past `stuckAfterMinutes` it is treated as
 * errored and recreated. This is pipeline policy, not API behaviour.
 */
export interface StuckInput {
  /** Epoch ms when the document entered its current processing state. */
  readonly stateSince: number;
  readonly now: number;
  readonly stuckAfterMinutes: number;
}

/** Strictly longer than the limit: at exactly `stuckAfterMinutes` it still has its chance. */
export function isStuck(input: StuckInput): boolean {
  return input.now > stuckAt(input.stateSince, input.stuckAfterMinutes);
}

/** Epoch ms after which the entry counts as stuck; lets a poller sleep until then. */
export function stuckAt(stateSince: number, stuckAfterMinutes: number): number {
  if (!Number.isFinite(stuckAfterMinutes) || stuckAfterMinutes <= 0) {
    throw new RangeError(`Expected \`stuckAfterMinutes\` to be a finite number > 0, got \`${stuckAfterMinutes}\``);
  }
  return stateSince + stuckAfterMinutes * 60_000;
}
