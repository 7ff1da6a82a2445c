import { describe, expect, it } from 'vitest';
import { listDocumentsPaged } from '../../src/engine/document-pages.js';
import type { DocumentFilter, DocumentRecord } from '../../src/store/store.js';

function fakeStore(count: number) {
  const docs = Array.from({ length: count }, (_, i) => ({ id: i + 1, sourceName: i % 2 === 0 ? 'a' : 'b' }) as DocumentRecord);
  const calls: DocumentFilter[] = [];
  const turns: number[] = [];
  let turn = 0;
  const tick = () => {
    turn += 1;
    setImmediate(tick);
  };
  return {
    calls,
    turns,
    start: () => setImmediate(tick),
    listDocuments: async (filter: DocumentFilter = {}) => {
      calls.push(filter);
      turns.push(turn);
      const rows = docs.filter((d) => (filter.afterId === undefined || d.id > filter.afterId) && (filter.sourceName === undefined || d.sourceName === filter.sourceName));
      return rows.slice(0, filter.limit ?? rows.length);
    },
  };
}

describe('listDocumentsPaged', () => {
  it('reads every document a page at a time, in id order, yielding to the event loop between pages', async () => {
    const store = fakeStore(4_500);
    store.start();

    const all = await listDocumentsPaged(store, {}, 2_000);

    expect(all.map((d) => d.id)).toEqual(Array.from({ length: 4_500 }, (_, i) => i + 1));
    expect(store.calls).toEqual([{ limit: 2_000 }, { afterId: 2_000, limit: 2_000 }, { afterId: 4_000, limit: 2_000 }]);
    // Other work ran between two reads: the loop was not held for the whole listing.
    expect(store.turns[1]!).toBeGreaterThan(store.turns[0]!);
    expect(store.turns[2]!).toBeGreaterThan(store.turns[1]!);
  });

  it('passes the filter on, and stops on a short or empty page', async () => {
    const store = fakeStore(8);
    expect((await listDocumentsPaged(store, { sourceName: 'b' }, 4)).map((d) => d.id)).toEqual([2, 4, 6, 8]);
    expect(store.calls).toEqual([{ sourceName: 'b', limit: 4 }, { sourceName: 'b', afterId: 8, limit: 4 }]);
    expect(await listDocumentsPaged(fakeStore(0))).toEqual([]);
  });
});
