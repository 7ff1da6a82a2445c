import { describe, expect, it } from 'vitest';
import { estimateQueue, takesUploadSlot, uploadsInPlan } from '../../src/engine/eta.js';
import { file, known, planFor, source } from './planner-builders.js';

const HOUR = 3_600_000;
const t0 = Date.UTC(2026, 0, 1);
const budget = { slotTimes: [] as number[], limit: 10, windowMs: HOUR };

describe('eta for a plan and a queue', () => {
  it('only creates and replaces take upload slots', () => {
    expect(['create', 'replace', 'delete', 'rename', 'none'].filter((a) => takesUploadSlot(a as never))).toEqual([
      'create',
      'replace',
    ]);
  });

  it('counts the uploads of a plan: creates and replaces, not renames, deletes or duplicates', () => {
    const docs = [known(1, 'changed.md', 'v1'), known(2, 'moved.md', 'm'), known(3, 'gone.md', 'g'), known(4, 'same.md', 's')];
    const result = planFor({
      sources: [source({ maxDeletePercent: 100 })],
      files: [file('changed.md', 'v2'), file('new.md', 'n'), file('copy.md', 'n'), file('moved2.md', 'm'), file('same.md', 's')],
      known: docs,
    });
    expect(uploadsInPlan(result)).toBe(2);
  });

  it('adds the plan’s uploads to the queue already waiting', () => {
    const files = Array.from({ length: 15 }, (_, i) => file(`f${i}.md`, `t${i}`));
    const result = planFor({ files });
    expect(estimateQueue({ queuedUploads: 10, plan: result }, budget, t0)).toEqual({
      uploads: 25,
      firstSlotAt: t0,
      lastSlotAt: t0 + 2 * HOUR,
    });
  });

  it('says when uploads resume when the budget is spent or blocked', () => {
    const spent = { ...budget, slotTimes: Array.from({ length: 10 }, () => t0 - HOUR / 2) };
    expect(estimateQueue({ queuedUploads: 1 }, spent, t0)).toEqual({
      uploads: 1,
      firstSlotAt: t0 + HOUR / 2,
      lastSlotAt: t0 + HOUR / 2,
    });
    expect(estimateQueue({ queuedUploads: 1 }, { ...budget, blockedUntil: t0 + 1234 }, t0).firstSlotAt).toBe(t0 + 1234);
  });

  it('has no ETA for an empty queue', () => {
    expect(estimateQueue({ queuedUploads: 0 }, budget, t0)).toEqual({ uploads: 0, firstSlotAt: null, lastSlotAt: null });
  });
});
