import { createHash } from 'node:crypto';
import type { DownloadedDigest, KnowledgeBaseEntry } from '../sensay/client.js';

/**
 * Whether an entry found in Sensay holds exactly a document's content (adoption, DESIGN §12).
 * Never by title alone: a file entry by `file.size`, then the sha256 of its downloaded bytes; a
 * text entry by its `rawText`. Pure: the caller fetches, these decide.
 */

/** Why an entry titled like one of ours was not adopted (shown to the user under `unadopted`). */
export type UnadoptedReason =
  /** No document of ours has this title (yet): kept for a later adoption, never deleted. */
  | 'no-document'
  /** The document already holds another entry. */
  | 'title-taken'
  /** A file entry for a text-mode source, or the other way round. */
  | 'type-differs'
  | 'size-differs'
  | 'content-differs'
  /** A file entry without its bytes (no size, no download URL): nothing to compare. */
  | 'no-bytes'
  /** Proven identical too, but another entry was adopted for the document. */
  | 'duplicate';

export type ProofMethod = 'sha256' | 'rawText' | 'rawText-prefix';

export type ProofVerdict = { proven: true; proof: ProofMethod } | { proven: false; why: UnadoptedReason };

export interface ProofTarget {
  mode: 'file' | 'text';
  size: number;
  sha256: string | null;
  textHash: string | null;
}

/** The first look, from the listing alone: can this entry be ours at all? */
export type FirstLook = { next: 'download'; url: string } | { next: 'read-entry' } | ProofVerdict;

export function firstLook(entry: KnowledgeBaseEntry, target: ProofTarget): FirstLook {
  if (target.mode === 'text') return entry.type === 'text' ? { next: 'read-entry' } : { proven: false, why: 'type-differs' };
  if (entry.type !== 'file') return { proven: false, why: 'type-differs' };
  const size = entry.file?.size;
  if (typeof size === 'number' && size !== target.size) return { proven: false, why: 'size-differs' };
  const url = entry.file?.downloadURL;
  if (typeof url === 'string' && url !== '') return { next: 'download', url };
  // The listing may leave the link out: the single GET has the whole `file` object.
  return { next: 'read-entry' };
}

/** File entry, after a single GET: its download link, or why there is nothing to compare. */
export function downloadOf(entry: KnowledgeBaseEntry, target: ProofTarget): { url: string } | ProofVerdict {
  const size = entry.file?.size;
  if (typeof size === 'number' && size !== target.size) return { proven: false, why: 'size-differs' };
  const url = entry.file?.downloadURL;
  return typeof url === 'string' && url !== '' ? { url } : { proven: false, why: 'no-bytes' };
}

export function digestVerdict(digest: DownloadedDigest, target: ProofTarget): ProofVerdict {
  if (!digest.complete || digest.bytes !== target.size) return { proven: false, why: 'size-differs' };
  return digest.sha256 === target.sha256 ? { proven: true, proof: 'sha256' } : { proven: false, why: 'content-differs' };
}

/** Markers a server puts at the end of a shortened `rawText`. */
const TRUNCATION_MARKERS = ['…', '...', '[truncated]'] as const;

/** The kept part of a `rawText` that visibly ends in a truncation marker, else null. */
export function truncatedPrefix(rawText: string): string | null {
  const trimmed = rawText.trimEnd();
  for (const marker of TRUNCATION_MARKERS) {
    if (trimmed.endsWith(marker)) return trimmed.slice(0, -marker.length).trimEnd();
  }
  return null;
}

/**
 * Text entry: `rawText` equal to our normalised text (by its hash, so our text need not be read),
 * or, when visibly truncated, equal on its whole length and ours longer. `ourText` is asked for
 * only in that second case.
 */
export async function rawTextVerdict(
  rawText: unknown,
  target: ProofTarget,
  ourText: () => Promise<string | null>,
): Promise<ProofVerdict> {
  if (typeof rawText !== 'string' || rawText === '') return { proven: false, why: 'no-bytes' };
  if (target.textHash !== null && (sha256(rawText) === target.textHash || sha256(rawText.trim()) === target.textHash)) {
    return { proven: true, proof: 'rawText' };
  }
  const prefix = truncatedPrefix(rawText);
  if (prefix === null || prefix === '') return { proven: false, why: 'content-differs' };
  const text = await ourText();
  if (text === null || sha256(text) !== target.textHash) return { proven: false, why: 'content-differs' };
  return text.length > prefix.length && text.startsWith(prefix) ? { proven: true, proof: 'rawText-prefix' } : { proven: false, why: 'content-differs' };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
