import type { Logger } from 'pino';
import type { SourceConfig } from '../config/types.js';
import type { DocumentRecord, DocumentState, Store } from '../store/store.js';
import type { TextCache } from '../store/text-cache.js';
import type { TextSink } from './pass-extract.js';

/** States in which a document may still upload its text (a recreate after an error included). */
const NEEDS_TEXT: readonly DocumentState[] = ['extracted', 'queued', 'uploading', 'processing', 'errored'];

/**
 * Where a writing pass puts the text of each text-mode file it extracts. A write that fails
 * costs nothing but time: the uploader extracts the file again on a miss.
 */
export function textSinkFor(texts: TextCache, sources: readonly SourceConfig[], log: Logger): TextSink {
  const textMode = new Set(sources.filter((source) => source.mode === 'text').map((source) => source.name));
  return async (found, text, textHash) => {
    if (!textMode.has(found.source)) return;
    try {
      await texts.put(textHash, text);
    } catch (error) {
      log.warn({ err: error, source: found.source, path: found.relPath }, 'could not cache the extracted text; it is extracted again at upload');
    }
  };
}

/** A document became READY: its text goes, unless another document still has to upload it. */
export async function releaseText(store: Store, texts: TextCache, doc: DocumentRecord): Promise<void> {
  if (doc.textHash === null) return;
  const others = await store.listDocuments({ textHash: doc.textHash, states: NEEDS_TEXT, limit: 1 });
  if (others.length === 0) await texts.remove(doc.textHash);
}

/**
 * Removes cached texts no document needs any more (failed, rejected, deleted or replaced before
 * their upload; a crash between the cache write and the store's record). Returns how many went.
 */
export async function sweepTexts(store: Store, texts: TextCache): Promise<number> {
  const held = await texts.list();
  if (held.length === 0) return 0;
  const needed = new Set((await store.listDocuments({ states: NEEDS_TEXT })).map((doc) => doc.textHash));
  let removed = 0;
  for (const hash of held) {
    if (needed.has(hash)) continue;
    await texts.remove(hash);
    removed++;
  }
  return removed;
}
