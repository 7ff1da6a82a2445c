/**
 * Arithmetic of the hourly upload budget (DESIGN §5): a sliding window over the ledger of
 * slots taken. A slot taken at `t` occupies the window until `t + windowMs`, when it frees.
 * Pure: the durable ledger, its locking and the current budget (`Store.budgetStatus`) live in the
 * store; this only projects when queued uploads will get their slots.
 */

/**
 * When each of `queueLength` uploads would get its slot, taking every slot as early as the
 * window allows. The k-th slot ever taken can start no sooner than `windowMs` after the
 * (k − limit)-th, which for slots taken in time order is exactly the sliding-window rule.
 */
export function slotSchedule(
  queueLength: number,
  slotTimes: readonly number[],
  limit: number,
  windowMs: number,
  now: number,
  blockedUntil?: number | null,
): number[] {
  validate(limit, windowMs);
  if (!Number.isInteger(queueLength) || queueLength < 0) {
    throw new RangeError(`Expected \`queueLength\` to be an integer >= 0, got \`${queueLength}\``);
  }
  const taken = slotsInWindow(slotTimes, windowMs, now);
  const start = Math.max(now, blockedUntil ?? now);
  const schedule: number[] = [];
  for (let i = 0; i < queueLength; i++) {
    const blocker = taken[taken.length - limit];
    const at = blocker === undefined ? start : Math.max(start, blocker + windowMs);
    taken.push(at);
    schedule.push(at);
  }
  return schedule;
}

/** The time the last queued upload would get its slot; null for an empty queue. */
export function etaForQueue(
  queueLength: number,
  slotTimes: readonly number[],
  limit: number,
  windowMs: number,
  now: number,
  blockedUntil?: number | null,
): number | null {
  const schedule = slotSchedule(queueLength, slotTimes, limit, windowMs, now, blockedUntil);
  return schedule.length === 0 ? null : (schedule[schedule.length - 1] as number);
}

/** Slots still occupying the window at `now`, oldest first. */
function slotsInWindow(slotTimes: readonly number[], windowMs: number, now: number): number[] {
  return slotTimes.filter((t) => t + windowMs > now).sort((a, b) => a - b);
}

function validate(limit: number, windowMs: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Expected \`limit\` to be an integer >= 1, got \`${limit}\``);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`Expected \`windowMs\` to be a finite number > 0, got \`${windowMs}\``);
  }
}
