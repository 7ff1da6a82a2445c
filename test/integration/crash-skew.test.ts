import { describe, expect, it } from 'vitest';
import { runCrashScenario } from '../support/crash-scenario.js';

const MINUTES_15 = 15 * 60_000;

/**
 * Crash recovery reads the server's createdAt through the offset seen in `Date` (issue 8 §2):
 * with the server's clock 15 minutes behind, an orphan of ours must not look older than our claim
 * (and survive as a duplicate); 15 minutes ahead, someone else's older entry with our title must
 * not look created after it (and be deleted).
 */
describe.concurrent('crash safety with the server clock ±15 min off', () => {
  it.each([
    { offset: -MINUTES_15, step: 'create-sent' as const, mode: 'file' as const },
    { offset: +MINUTES_15, step: 'create-sent' as const, mode: 'file' as const },
    { offset: -MINUTES_15, step: 'create-answered' as const, mode: 'file' as const },
    { offset: +MINUTES_15, step: 'create-answered' as const, mode: 'text' as const },
  ])('server clock $offset ms, $mode mode, killed at $step: one READY entry per document, no orphan, the foreign twin kept', { timeout: 120_000 }, async ({ offset, step, mode }) => {
    const result = await runCrashScenario({
      step,
      delayMs: step === 'create-sent' ? 150 : 0,
      files: 3,
      concurrency: 1,
      mode,
      clockOffsetMs: offset,
      foreignTwin: true,
    });
    expect(result.killed).toBe(true);
    expect(result).toMatchObject({ duplicates: 0, orphans: 0, missing: 0, foreignKept: true });
  });
});
