/**
 * Every document a pass needs, read a page at a time with a turn of the event loop between pages.
 * SQLite answers synchronously: one read of 100,000 rows held the daemon's event loop for
 * 1.4–2 s (its console, metrics and API timers with it), where a page of 2,000 takes 10–40 ms.
 * Pages follow the id order; a row changed between two pages is read as it is then, which a pass
 * already tolerates (the store refuses any transition a stale row would ask).
 */
import { nextTurn } from './loop-turns.js';
import type { DocumentFilter, DocumentRecord, Store } from '../store/store.js';

export const DOCUMENT_PAGE = 2_000;

export async function listDocumentsPaged(store: Pick<Store, 'listDocuments'>, filter: Omit<DocumentFilter, 'afterId' | 'limit'> = {}, pageSize = DOCUMENT_PAGE): Promise<DocumentRecord[]> {
  const all: DocumentRecord[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = await store.listDocuments({ ...filter, ...(afterId !== undefined && { afterId }), limit: pageSize });
    for (const doc of page) all.push(doc);
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return all;
    afterId = last.id;
    await nextTurn();
  }
}
