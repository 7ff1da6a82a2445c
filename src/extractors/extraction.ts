/**
 * What the extractors promise the rest of the system. Outcomes are values: an accepted document,
 * or a rejection with a stable reason code and one human line saying which rule and what to do.
 */
import type { ExpectedFile } from './open-no-follow.js';
import type { Validation } from './validation.js';

export const REJECT_REASONS = [
  'UNSUPPORTED_TYPE',
  'TYPE_MISMATCH',
  'TOO_LARGE',
  'EMPTY_FILE',
  'CORRUPT',
  'ENCRYPTED',
  'NO_TEXT',
  'DECOMPRESSION_LIMIT',
  'TOO_COMPLEX',
  'TIMEOUT',
  'UNSTABLE',
  'UNREADABLE',
  'UNSUPPORTED_ENCODING',
  /** No extraction worker could start: not a verdict on the file, which is examined again later. */
  'WORKER_UNAVAILABLE',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type DocumentKind = 'pdf' | 'docx' | 'html' | 'txt' | 'md';

export type Extracted = {
  ok: true;
  kind: DocumentKind;
  /** Size of the file in bytes, as read. */
  bytes: number;
  /** sha256 (hex) of the exact bytes that were parsed. */
  sha256: string;
  /** Normalised text. */
  text: string;
  /** sha256 (hex) of `text` (UTF-8); identical content under two names has the same textHash. */
  textHash: string;
  /** Unicode code points in `text`. */
  chars: number;
  pages?: number;
  title?: string;
  /** Character encoding the text was decoded from (text and HTML only). */
  encoding?: string;
  warnings: string[];
};

export type Rejected = {
  ok: false;
  reason: RejectReason;
  /** One line: which rule rejected the file and what the user can do. */
  detail: string;
  /**
   * Known when the file was read in full before the rejection (NO_TEXT in particular: file mode
   * still uploads such a file, so the planner needs its hash).
   */
  kind?: DocumentKind;
  bytes?: number;
  sha256?: string;
  pages?: number;
  warnings?: string[];
};

export type Extraction = Extracted | Rejected;

export type ExtractLimits = {
  /** Files above this size are TOO_LARGE without being read. */
  maxFileBytes: number;
  /** Bound on the declared uncompressed size of a DOCX, and on the bytes actually inflated. */
  maxUncompressedBytes: number;
  /** Bound on the number of entries in a DOCX's ZIP directory. */
  maxZipEntries: number;
};

export const DEFAULT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxFileBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxZipEntries: 10_000,
});

export type ExtractOptions = Partial<ExtractLimits> & {
  /** The scan's lstat of the file: a different file (or a link) opened under the path is UNSTABLE. */
  expected?: ExpectedFile | undefined;
};

/** The port the engine takes. The worker pool is its production adapter. */
export interface Extractor {
  /** Everything: the text (text mode, `extract`). */
  extract(path: string, options?: ExtractOptions): Promise<Extraction>;
  /** File mode: the same verdict as `extract`, read only until the first evidence of text. */
  validate(path: string, options?: ExtractOptions): Promise<Validation>;
}

export function reject(reason: RejectReason, detail: string, extra: Omit<Rejected, 'ok' | 'reason' | 'detail'> = {}): Rejected {
  return { ok: false, reason, detail, ...extra };
}
