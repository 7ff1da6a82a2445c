/**
 * What validation promises (DESIGN §11). In file mode Sensay extracts the text itself, so a file
 * is only checked: it is what its name says, readable, not encrypted, and holds some text (or is
 * NO_TEXT, which file mode uploads with a warning). Validation stops at the first evidence and
 * gives the same outcome, with the same reason codes, as a full extraction of the file would.
 * Its identity is the sha256 of its bytes: there is no text hash.
 */
import type { DocumentKind, Rejected } from './extraction.js';

export type Validated = {
  ok: true;
  /** Tells a validation from a full extraction: there is no text. */
  validated: true;
  kind: DocumentKind;
  /** Size of the file in bytes, as read. */
  bytes: number;
  /** sha256 (hex) of the exact bytes that were checked: the document's identity in file mode. */
  sha256: string;
  /** Identity is by bytes: never a text hash. */
  textHash: null;
  pages?: number;
  /** Character encoding the text was decoded from (text and HTML only). */
  encoding?: string;
  warnings: string[];
};

export type Validation = Validated | Rejected;

/** How deep a file is read: `validate` stops at the first evidence, `text` extracts everything. */
export type ReadDepth = 'validate' | 'text';
