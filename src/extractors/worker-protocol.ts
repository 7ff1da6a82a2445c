/** Messages between the pool (parent) and an extraction worker process, over the IPC channel. */
import type { Extraction, ExtractLimits } from './extraction.js';
import type { PdfEngine } from './pdf-engine.js';
import type { PdfRange } from './pdf.js';
import type { PdfPartResult, PdfSplitPlan, SplitRule } from './pdf-split.js';
import type { ExpectedFile } from './read-once.js';
import type { ReadDepth, Validation } from './validation.js';

/** Sent with every task; a worker without it reads PDFs with the default engine. */
type TaskSettings = { pdfEngine?: PdfEngine };

export type TaskMessage = TaskSettings &
  (
  /**
   * A whole file; with `split`, a large PDF may come back as a plan instead of text. Depth
   * `validate` checks the file with early exit and answers a Validation (never split).
   */
  | { type: 'extract'; id: number; path: string; limits: ExtractLimits; expected?: ExpectedFile; split?: SplitRule; depth?: ReadDepth }
  /** One page range of a planned PDF; `sha256` is the planned file's, to catch a changed file. */
  | { type: 'extract-part'; id: number; path: string; limits: ExtractLimits; expected?: ExpectedFile; range: PdfRange; sha256: string });

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; extraction: Extraction | Validation | PdfSplitPlan; warnings: string[] }
  | { type: 'part-result'; id: number; part: PdfPartResult; warnings: string[] };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'result' || type === 'part-result';
}

export function isTaskMessage(value: unknown): value is TaskMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'extract' || type === 'extract-part';
}
