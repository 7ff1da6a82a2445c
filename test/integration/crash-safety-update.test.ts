import { describe, expect, it } from 'vitest';
import { runUpdateCrashScenario } from '../support/crash-update.js';

// Each scenario has its own simulator, state file and folder, so they run side by side.
describe.concurrent('crash safety of an in-place update: SIGKILL around the PATCH, then restart', { timeout: 180_000 }, () => {
  it('killed after recording the intent, before the PATCH: the restart sends it', async () => {
    const result = await runUpdateCrashScenario({ step: 'update-begun', delayMs: 0, files: 2 });
    expect(result.killed).toBe(true);
    expect(result).toMatchObject({ duplicates: 0, stale: 0, creates: 2 });
    expect(result.states).toEqual(['doc-000.txt:ready', 'doc-001.txt:ready']);
  });

  it('killed while the PATCH is in flight (applied, never answered): one entry, READY, the new text, no second PATCH', async () => {
    const result = await runUpdateCrashScenario({ step: 'patch-sent', delayMs: 150, files: 2 });
    expect(result.killed).toBe(true);
    expect(result).toMatchObject({ duplicates: 0, stale: 0, creates: 2, rawTextPatches: 2 });
    expect(result.states).toEqual(['doc-000.txt:ready', 'doc-001.txt:ready']);
  });

  it('killed right after the PATCH answered, before its record: settled without a duplicate or a create', async () => {
    const result = await runUpdateCrashScenario({ step: 'patch-answered', delayMs: 0, files: 2 });
    expect(result.killed).toBe(true);
    expect(result).toMatchObject({ duplicates: 0, stale: 0, creates: 2, rawTextPatches: 2 });
    expect(result.states).toEqual(['doc-000.txt:ready', 'doc-001.txt:ready']);
  });
});
