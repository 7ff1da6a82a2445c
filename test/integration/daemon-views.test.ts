import { describe, expect, it } from 'vitest';
import { createLifecycleView, createProgressView, formatProgress } from '../../src/cli/present/progress-view.js';
import type { CliIo } from '../../src/cli/io.js';
import type { EngineSummary } from '../../src/engine/create-engine.js';
import { DOCUMENT_STATES, type DocumentRecord, type DocumentState } from '../../src/store/documents.js';

function summary(counts: Partial<Record<DocumentState, number>>, eta: { uploads: number; lastSlotAt: number | null } = { uploads: 0, lastSlotAt: null }): EngineSummary {
  const documents = Object.fromEntries(DOCUMENT_STATES.map((s) => [s, counts[s] ?? 0])) as Record<DocumentState, number>;
  return {
    at: 0,
    documents,
    budget: { scope: 's', limit: 10, windowMs: 3_600_000, used: 7, remaining: 3, nextFreeAt: 0, blockedUntil: null, blockedReason: null },
    queuedUploads: eta.uploads,
    nextUploadAt: null,
    eta: { uploads: eta.uploads, firstSlotAt: eta.lastSlotAt, lastSlotAt: eta.lastSlotAt },
    paused: [],
    pausedSources: [],
    heldByPause: 0,
  };
}

function memoryIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(`ERR ${t}`), isTTY: true };
}

const doc = (id: number, relPath: string, state: DocumentState, extra: Partial<DocumentRecord> = {}) =>
  ({ id, relPath, sourceName: 'docs', state, rejectReason: null, rejectDetail: null, lastError: null, ...extra }) as DocumentRecord;

describe('daemon views', () => {
  it('the progress line folds the states people care about, with budget and ETA', () => {
    const eta = new Date(2026, 0, 1, 14, 5).getTime();
    const line = formatProgress(summary({ discovered: 1, queued: 4, uploading: 1, processing: 2, errored: 1, ready: 8, failed: 1, rejected: 2 }, { uploads: 4, lastSlotAt: eta }), 19);
    expect(line).toBe('scanned 19 · queued 5 · uploading 1 · processing 3 · ready 8 · failed 1 · rejected 2 · budget 3/10 · ETA 14:05');
  });

  it('the progress view prints a line only when it reads differently', () => {
    const io = memoryIo();
    const view = createProgressView(io);
    view.update(summary({ ready: 1 }));
    view.update(summary({ ready: 1 }));
    view.scanned(4);
    view.update(summary({ ready: 1 }));
    view.update(summary({ ready: 2 }));
    expect(io.lines.map((l) => l.split(' · ').slice(0, 1).concat(l.split(' · ')[4] ?? ''))).toEqual([
      ['scanned …', 'ready 1'],
      ['scanned 4', 'ready 1'],
      ['scanned 4', 'ready 2'],
    ]);
  });

  it('the lifecycle view prints each document once per state change, with the reason of a rejection', async () => {
    const io = memoryIo();
    let docs = [doc(1, 'a.md', 'queued'), doc(2, 'bad.pdf', 'rejected', { rejectReason: 'ENCRYPTED', rejectDetail: 'password-protected' })];
    const view = createLifecycleView(io, async () => docs);
    view.refresh();
    view.refresh();
    await view.settled();
    docs = [doc(1, 'a.md', 'ready'), docs[1]!];
    view.refresh();
    await view.settled();
    expect(io.lines).toEqual(['  a.md: queued', '  bad.pdf: rejected (ENCRYPTED: password-protected)', '  a.md: queued → ready']);
  });
});
