/**
 * Extracted texts waiting for their upload (DECISIONS "Text mode and memory"): a pass writes
 * each text-mode document's text here and keeps only its hash; the uploader reads it back for
 * the create; it goes once the entry is READY. Content-addressed by `textHash` (the sha256 of
 * the normalised text), so two documents with one text share one copy. A miss is never an
 * error: the caller extracts the file again.
 */
export interface TextCache {
  put(textHash: string, text: string): Promise<void>;
  /** The text, or null when absent or damaged (a damaged copy is removed). */
  get(textHash: string): Promise<string | null>;
  /** Idempotent. */
  remove(textHash: string): Promise<void>;
  /** Hashes held now (for the sweep of texts no document needs any more). */
  list(): Promise<string[]>;
}

export const TEXT_HASH_PATTERN = /^[0-9a-f]{64}$/;
