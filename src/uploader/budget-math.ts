/**
 * Arithmetic of the hourly upload budget (DESIGN §5): a sliding window over the ledger of
 * slots taken. A slot taken at `t` occupies the window until `t + windowMs`, when it frees.
 * Pure: the durable ledger and its locking live in the store; this only counts.
 */
export interface BudgetState {
  /** Slots taken within the window ending at `now`. */
  readonly used: number;
  readonly remaining: number;
  /** Earliest epoch ms at which a slot can be taken (`now` when one is free and nothing blocks). */
  readonly nextFreeAt: number;
}

/**
 * @param slotTimes epoch ms of the slots in the ledger (older ones are ignored; order is free)
 * @param blockedUntil a 429's Retry-After horizon shared by every process, if any
 */
export function budgetState(
  slotTimes: readonly number[],
  limit: number,
  windowMs: number,
  now: number,
  blockedUntil?: number | null,
): BudgetState {
  validate(limit, windowMs);
  const inWindow = slotsInWindow(slotTimes, windowMs, now);
  const used = inWindow.length;
  const remaining = Math.max(0, limit - used);
  const earliest = Math.max(now, blockedUntil ?? now);
  // With `used` ≥ `limit`, a slot frees once the (used − limit + 1) oldest have left the window.
  const freedAt = remaining > 0 ? now : (inWindow[used - limit] as number) + windowMs;
  return { used, remaining, nextFreeAt: Math.max(earliest, freedAt) };
}

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
