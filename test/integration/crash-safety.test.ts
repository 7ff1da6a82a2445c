import { describe, expect, it } from 'vitest';
import type { ProtocolStep } from '../../src/uploader/index.js';
import { runCrashScenario } from '../support/crash-scenario.js';

const STEPS: ProtocolStep[] = ['claimed', 'create-sent', 'create-answered', 'entry-recorded', 'upload-sent', 'upload-done'];

// Each scenario has its own simulator, state file and folder, so they run side by side.
describe.concurrent('crash safety: SIGKILL at each protocol step, then restart', () => {
  it.each(STEPS)('file mode, killed at %s: exactly one live entry per document, with its bytes, nothing else', async (step) => {
    const result = await runCrashScenario({ step, delayMs: step === 'create-sent' || step === 'upload-sent' ? 150 : 0, files: 3, concurrency: 1 });
    expect(result.killed).toBe(true);
    expect(result).toMatchObject({ duplicates: 0, orphans: 0, missing: 0 });
    // One job at a time, so the counts are exact: after the bytes arrived the entry is adopted;
    // before, the half-made one is deleted and created once more.
    if (step === 'upload-done') expect(result.creates).toBe(3);
    if (step === 'create-sent' || step === 'create-answered' || step === 'upload-sent') expect(result.creates).toBe(4);
  });

  it.each(['create-answered', 'upload-sent'] as const)('file mode, two jobs at once, killed at %s: still one entry per document', async (step) => {
    const result = await runCrashScenario({ step, delayMs: 5, files: 4, concurrency: 2 });
    expect(result).toMatchObject({ duplicates: 0, orphans: 0, missing: 0 });
  });

  // Soak seed 3232504: a create reached Sensay, the process died before recording it, then the
  // file was deleted. The delete must find that entry by title and delete it, never leave it.
  it.each([
    ['file', 'create-answered'],
    ['text', 'create-answered'],
    ['text', 'create-sent'],
  ] as const)('%s mode, killed at %s, then the file deleted: its unrecorded entry is deleted, not orphaned', async (mode, step) => {
    const result = await runCrashScenario({ step, delayMs: step === 'create-sent' ? 150 : 0, files: 3, mode, concurrency: 1, deleteCutShort: true });
    expect(result.killed).toBe(true);
    expect(result.deleted).not.toBeNull();
    expect(result).toMatchObject({ duplicates: 0, orphans: 0, missing: 0 });
  });

  it.each(['create-sent', 'create-answered'] as const)('text mode, killed at %s: the created entry is adopted or replaced, never doubled', async (step) => {
    const result = await runCrashScenario({ step, delayMs: step === 'create-sent' ? 150 : 0, files: 2, mode: 'text' });
    expect(result.killed).toBe(true);
    expect(result).toMatchObject({ duplicates: 0, orphans: 0, missing: 0 });
  });
});
