import type { DocumentRecord, Store } from '../store/store.js';

/**
 * The entry the document's current upload has created, if the POST's answer was committed.
 * `entryId` alone cannot tell: during a replace it holds the live predecessor until the new
 * entry is recorded. The event log can: an `entry-created` after the last `upload-claimed`.
 */
export async function entryOfCurrentUpload(store: Store, document: DocumentRecord): Promise<number | null> {
  if (document.entryId === null) return null;
  const events = await store.listEvents({
    documentId: document.id,
    types: ['upload-claimed', 'entry-created'],
    newestFirst: true,
    limit: 50,
  });
  for (const event of events) {
    if (event.type === 'upload-claimed') return null;
    const entryId = event.detail?.entryId;
    if (typeof entryId === 'number') return entryId === document.entryId ? entryId : null;
  }
  return null;
}
