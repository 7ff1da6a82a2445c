import type { KnowledgeBaseEntry, SensayClient } from '../sensay/client.js';

/** The API's `search` needs at least this many characters. */
const MIN_SEARCH = 3;

/**
 * The replica's entries, narrowed to exact `titles` when given (by `search` when there is just
 * one title long enough to search for; the API's search is a substring match, so the exact
 * comparison happens here).
 */
export async function listEntriesTitled(
  api: SensayClient,
  replicaUUID: string,
  titles: ReadonlySet<string>,
  options: { narrowTo?: string; signal?: AbortSignal } = {},
): Promise<KnowledgeBaseEntry[]> {
  const narrow = options.narrowTo;
  const filters = narrow !== undefined && narrow.length >= MIN_SEARCH ? { search: narrow } : {};
  const found: KnowledgeBaseEntry[] = [];
  for await (const entry of api.iterateEntries(replicaUUID, filters, { signal: options.signal })) {
    const title = titleOf(entry);
    if (title === null || !titles.has(title)) continue;
    if (narrow !== undefined && title !== narrow) continue;
    found.push(entry);
  }
  return found;
}

export function titleOf(entry: KnowledgeBaseEntry): string | null {
  return typeof entry.title === 'string' ? entry.title : null;
}

/** A file entry still `NEW` never received its bytes (DESIGN §6: a crash between POST and PUT). */
export function awaitingBytes(entry: KnowledgeBaseEntry): boolean {
  return entry.type === 'file' && String(entry.status).trim().toUpperCase() === 'NEW';
}

export function hasError(entry: KnowledgeBaseEntry): boolean {
  return entry.error !== null && entry.error !== undefined && typeof entry.error === 'object';
}
