import type { PlanSource, PlanWarning, ScannedFile } from './plan-types.js';

/**
 * Whether an examined file may be uploaded. The extractor reports facts; the policy of what
 * to do with them lives here (DESIGN §7).
 */
export type Admission =
  | {
      readonly verdict: 'accept';
      readonly sha256: string;
      /** null when there is no text to compare (NO_TEXT uploaded in file mode). */
      readonly textHash: string | null;
      readonly warning?: PlanWarning;
    }
  | { readonly verdict: 'reject'; readonly reason: string; readonly detail: string }
  /** Cannot be judged now (file changed while read, or bytes not hashed): look again later. */
  | { readonly verdict: 'later'; readonly reason: LaterReason };

export type LaterReason = 'UNSTABLE' | 'NOT_EXAMINED' | 'WORKER_UNAVAILABLE';

export const NO_TEXT = 'NO_TEXT';
/** The file was being written while read: not a verdict on the document. */
const UNSTABLE = 'UNSTABLE';
/** No extraction worker could start: a fault of this host, not of the file. */
const WORKER_UNAVAILABLE = 'WORKER_UNAVAILABLE';

export function admit(file: ScannedFile, source: PlanSource): Admission {
  const extraction = file.extraction;
  if (extraction === null) return { verdict: 'later', reason: 'NOT_EXAMINED' };
  if (extraction.ok) {
    if (file.sha256 === null) return { verdict: 'later', reason: 'NOT_EXAMINED' };
    return { verdict: 'accept', sha256: file.sha256, textHash: file.textHash ?? null };
  }
  if (extraction.reason === UNSTABLE) return { verdict: 'later', reason: 'UNSTABLE' };
  if (extraction.reason === WORKER_UNAVAILABLE) return { verdict: 'later', reason: 'WORKER_UNAVAILABLE' };
  if (extraction.reason !== NO_TEXT) {
    return { verdict: 'reject', reason: extraction.reason, detail: extraction.detail };
  }
  if (source.mode === 'text') {
    return {
      verdict: 'reject',
      reason: NO_TEXT,
      detail: `${extraction.detail} (source "${source.name}" uses mode "text", which uploads only extracted text)`,
    };
  }
  if (source.requireText) {
    return {
      verdict: 'reject',
      reason: NO_TEXT,
      detail: `${extraction.detail} (source "${source.name}" sets requireText: true)`,
    };
  }
  if (file.sha256 === null) return { verdict: 'later', reason: 'NOT_EXAMINED' };
  // Sensay runs its own extraction on uploaded files (it accepts images), so the bytes may
  // still teach the replica something; the text hash of an empty text must not dedupe them.
  return {
    verdict: 'accept',
    sha256: file.sha256,
    textHash: null,
    warning: { reason: NO_TEXT, detail: extraction.detail },
  };
}
