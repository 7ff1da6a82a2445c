import { describe, expect, it } from 'vitest';
import type { KnowledgeBaseEntry } from '../../src/sensay/client.js';
import type { DocumentRecord } from '../../src/store/store.js';
import { classifyListing, expectedEntryIds, mayBeOurs, needsListing } from '../../src/uploader/drift.js';

const T = Date.parse('2026-12-03T12:00:00.000Z');
const MIN = 60_000;

function doc(id: number, relPath: string, fields: Partial<DocumentRecord> = {}): DocumentRecord {
  return { id, relPath, sourceName: 'docs', replicaUUID: 'r', state: 'ready', entryId: null, previousEntryId: null, discoveredAt: T, ...fields } as DocumentRecord;
}
/** An entry whose server clock reads `serverMs` at creation. */
function entry(id: number, title: string, serverMs: number): KnowledgeBaseEntry {
  return { id, title, type: 'file', status: 'READY', createdAt: new Date(serverMs).toISOString(), updatedAt: new Date(serverMs).toISOString() } as KnowledgeBaseEntry;
}

describe('drift: the count decides whether to list', () => {
  it('expects every recorded entry and every entry already left alone, each once', () => {
    const docs = [doc(1, 'a', { entryId: 10 }), doc(2, 'b', { entryId: 11, previousEntryId: 12 }), doc(3, 'c')];
    expect([...expectedEntryIds(docs, [40, 10])].sort()).toEqual([10, 11, 12, 40]);
    expect(needsListing(4, 4)).toBe(false);
    expect(needsListing(5, 4)).toBe(true);
    expect(needsListing(3, 4)).toBe(true);
  });
});

describe('drift: an unrecorded entry is ours only if it may be younger than our first claim, on the server clock', () => {
  for (const skew of [-15 * MIN, 0, 15 * MIN]) {
    const offset = { offsetMs: skew, marginMs: 1500 };
    it(`server clock ${skew / MIN} min off`, () => {
      // Created 2 s after our claim (local time): ours, whatever the skew.
      expect(mayBeOurs(entry(1, 'a', T + 2000 + skew), T, offset)).toBe(true);
      // Within the margin before it: may be ours (the Date header is only good to a second).
      expect(mayBeOurs(entry(1, 'a', T - 1000 + skew), T, offset)).toBe(true);
      // A minute before our claim: not ours, never deleted.
      expect(mayBeOurs(entry(1, 'a', T - MIN + skew), T, offset)).toBe(false);
    });
  }
  it('never ours without a claim or a readable createdAt', () => {
    expect(mayBeOurs(entry(1, 'a', T + MIN), undefined, { offsetMs: 0, marginMs: 0 })).toBe(false);
    expect(mayBeOurs({ ...entry(1, 'a', T + MIN), createdAt: 'later' }, T, { offsetMs: 0, marginMs: 0 })).toBe(false);
  });
});

describe('drift: one listing classified', () => {
  it('orphans, unknown entries (with why) and vanished ones', () => {
    const offset = { offsetMs: 15 * MIN, marginMs: 1500 };
    const documents = [
      doc(1, 'ready.md', { entryId: 10 }),
      doc(2, 'vanished.md', { entryId: 11 }),
      doc(3, 'waiting.md', { state: 'queued' }),
      doc(4, 'busy.md', { state: 'uploading' }),
    ];
    const verdict = classifyListing({
      entries: [
        entry(10, 'ready.md', T + offset.offsetMs),
        entry(20, 'ready.md', T + 5 * MIN + offset.offsetMs), // after our claim: a crash of ours
        entry(21, 'ready.md', T - 10 * MIN + offset.offsetMs), // older: someone else's
        entry(22, 'ready.md', T + 6 * MIN + offset.offsetMs), // younger but already reported: left alone
        entry(23, 'waiting.md', T - 60 * MIN + offset.offsetMs),
        entry(24, 'nobody.md', T + offset.offsetMs),
        entry(25, 'busy.md', T + 7 * MIN + offset.offsetMs),
      ],
      documents,
      titleOf: (d) => d.relPath,
      knownUnadopted: new Set([22]),
      firstClaimAt: new Map([[1, T]]),
      offset,
    });
    expect(verdict.orphans.map((o) => o.entry.id)).toEqual([20]);
    expect(verdict.unknown.map((u) => [u.entry.id, u.why])).toEqual([
      [21, 'title-taken'],
      [22, 'title-taken'],
      [23, 'no-document'],
      [24, 'no-document'],
    ]);
    expect(verdict.missing.map((m) => [m.doc.id, m.entryId])).toEqual([[2, 11]]);
  });
});
