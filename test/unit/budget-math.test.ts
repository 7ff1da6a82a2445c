import { describe, expect, it } from 'vitest';
import { etaForQueue, slotSchedule } from '../../src/uploader/budget-math.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const t0 = Date.UTC(2026, 0, 1);

describe('etaForQueue', () => {
  it('25 items at 10 per hour take slots at +0 h (10), +1 h (10) and +2 h (5)', () => {
    const schedule = slotSchedule(25, [], 10, HOUR, t0);
    const perHour = new Map<number, number>();
    for (const at of schedule) perHour.set((at - t0) / HOUR, (perHour.get((at - t0) / HOUR) ?? 0) + 1);
    expect(Object.fromEntries(perHour)).toEqual({ 0: 10, 1: 10, 2: 5 });
    expect(etaForQueue(25, [], 10, HOUR, t0)).toBe(t0 + 2 * HOUR);
  });

  it('exactly 10 items at 10 per hour all start now', () => {
    expect(etaForQueue(10, [], 10, HOUR, t0)).toBe(t0);
    expect(etaForQueue(11, [], 10, HOUR, t0)).toBe(t0 + HOUR);
  });

  it('an empty queue has no ETA', () => {
    expect(etaForQueue(0, [], 10, HOUR, t0)).toBeNull();
  });

  it('queues behind slots already taken: each frees one hour after it was taken', () => {
    const taken = [t0 - 45 * MIN, t0 - 15 * MIN];
    expect(slotSchedule(3, taken, 2, HOUR, t0)).toEqual([t0 + 15 * MIN, t0 + 45 * MIN, t0 + 75 * MIN]);
  });

  it('starts no earlier than blockedUntil', () => {
    expect(slotSchedule(3, [], 2, HOUR, t0, t0 + 5 * MIN)).toEqual([t0 + 5 * MIN, t0 + 5 * MIN, t0 + 65 * MIN]);
  });

  it('never schedules more than the limit in any window', () => {
    const taken = [t0 - 59 * MIN, t0 - 31 * MIN, t0 - 2 * MIN];
    const schedule = slotSchedule(40, taken, 3, HOUR, t0, t0 + 7 * MIN);
    const all = [...taken, ...schedule];
    for (const at of all) {
      expect(all.filter((t) => t <= at && t > at - HOUR).length).toBeLessThanOrEqual(3);
    }
    // And none is later than it has to be: each waits for exactly the slot that blocks it.
    expect(schedule.slice(0, 3)).toEqual([t0 + 7 * MIN, t0 + 29 * MIN, t0 + 58 * MIN]);
  });

  it('refuses a negative queue length', () => {
    expect(() => etaForQueue(-1, [], 10, HOUR, t0)).toThrow(/`queueLength`/);
  });
});
