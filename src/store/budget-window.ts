import type { BudgetBlock, BudgetStatus, SlotRefusal } from './budget.js';
import { invalidArgument } from './errors.js';

/**
 * Sliding-window arithmetic, shared by every adapter. A slot taken at `t` occupies the window
 * until `t + windowMs` exactly; at that instant it is free again.
 */

export type WindowDecision = { granted: true } | { granted: false; reason: SlotRefusal; retryAt: number };

/** Slots taken strictly after this time are inside the window ending at `now`. */
export function windowStart(now: number, windowMs: number): number {
  return now - windowMs;
}

/**
 * When the window will have room for one more slot, or null if it has room now.
 * `slotTimes` are the slots inside the window, oldest first.
 */
export function windowFreeAt(slotTimes: readonly number[], limit: number, windowMs: number): number | null {
  if (slotTimes.length < limit) return null;
  // With n slots in the window, n - limit + 1 of them must leave before one more fits.
  const leaving = slotTimes[slotTimes.length - limit];
  return leaving === undefined ? null : leaving + windowMs;
}

export function decideSlot(input: {
  slotTimes: readonly number[];
  limit: number;
  windowMs: number;
  now: number;
  blockedUntil: number | null;
}): WindowDecision {
  const freeAt = windowFreeAt(input.slotTimes, input.limit, input.windowMs);
  if (input.blockedUntil !== null && input.blockedUntil > input.now) {
    return { granted: false, reason: 'BLOCKED', retryAt: Math.max(input.blockedUntil, freeAt ?? 0) };
  }
  if (freeAt !== null) return { granted: false, reason: 'WINDOW_FULL', retryAt: freeAt };
  return { granted: true };
}

export function validateWindow(limit: number, windowMs: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw invalidArgument(`Expected \`limit\` to be an integer >= 1, got \`${String(limit)}\``);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw invalidArgument(`Expected \`windowMs\` to be a finite number > 0, got \`${String(windowMs)}\``);
  }
}

/** What `budgetStatus` reports, from the slots inside the window and the scope's block. */
export function budgetStatusFrom(slotTimes: number[], block: BudgetBlock | null, limit: number, windowMs: number, now: number): BudgetStatus {
  const blockedUntil = block && block.until > now ? block.until : null;
  const freeAt = windowFreeAt(slotTimes, limit, windowMs) ?? now;
  return {
    used: slotTimes.length,
    remaining: Math.max(0, limit - slotTimes.length),
    nextFreeAt: Math.max(freeAt, blockedUntil ?? now),
    blockedUntil,
    blockedReason: blockedUntil === null ? null : (block?.reason ?? null),
    slotTimes,
  };
}
