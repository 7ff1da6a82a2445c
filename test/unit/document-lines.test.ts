import { describe, expect, it } from 'vitest';
import { followDocuments } from '../../src/cli/present/document-follower.js';
import { createLifecycleView } from '../../src/cli/present/progress-view.js';
import type { CliIo } from '../../src/cli/io.js';
import type { DocumentRecord, DocumentState } from '../../src/store/store.js';
import { FakeClock } from '../support/fake-clock.js';

function screen(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (text) => lines.push(text), err: (text) => lines.push(text), isTTY: true };
}

/** Just the fields the views read; the rest of a record does not matter to them. */
function doc(id: number, relPath: string, state: DocumentState): DocumentRecord {
  return { id, relPath, state, rejectReason: null, rejectDetail: null, lastError: null } as unknown as DocumentRecord;
}

describe('document lines', () => {
  it('after a baseline only changes are printed: a daemon over 10,000 synced files starts quiet', async () => {
    const io = screen();
    let docs = [doc(1, 'old.md', 'ready'), doc(2, 'other.md', 'ready')];
    const view = createLifecycleView(io, async () => docs);
    await view.baseline();
    view.refresh();
    await view.settled();
    expect(io.lines).toEqual([]);
    docs = [doc(1, 'old.md', 'processing'), doc(2, 'other.md', 'ready'), doc(3, 'new.md', 'queued')];
    view.refresh();
    await view.settled();
    expect(io.lines).toEqual(['  old.md: ready → processing', '  new.md: queued']);
  });

  it('a one-shot run is followed on the clock and its last changes printed on stop', async () => {
    const io = screen();
    const clock = new FakeClock();
    let docs = [doc(1, 'a.md', 'queued')];
    const follower = await followDocuments(io, async () => docs, clock, 1000);
    docs = [doc(1, 'a.md', 'processing')];
    await clock.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(io.lines).toEqual(['  a.md: queued → processing']);
    docs = [doc(1, 'a.md', 'ready')];
    await follower.stop();
    await follower.stop();
    expect(io.lines).toEqual(['  a.md: queued → processing', '  a.md: processing → ready']);
  });
});
