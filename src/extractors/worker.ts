/**
 * Entry point of an extraction worker process (forked by the pool). Loads PDFium, then extracts
 * one file (or one page range of a large PDF) at a time on request; pdf.js, mammoth and cheerio
 * are loaded by the first file that needs them (lazy-parser.ts: ready in ~0.2 s instead of ~0.6). pdf.js reports its
 * warnings through console.log; this process's stdout is nobody's output, so it is captured and
 * returned with the task's result.
 */
import { extractFileOrSplit } from './extract-file.js';
import type { Extraction, Rejected } from './extraction.js';
import { failureVerdict } from './lazy-parser.js';
import { extractPdfPart } from './pdf-part.js';
import { DEFAULT_PDF_ENGINE } from './pdf-engine.js';
import { loadPdfium } from './pdfium-runtime.js';
import type { PdfSplitPlan } from './pdf-split.js';
import { validateFile } from './validate-file.js';
import type { Validation } from './validation.js';
import { isTaskMessage, type TaskMessage, type WorkerMessage } from './worker-protocol.js';

const MAX_WARNINGS = 20;
let captured: string[] = [];

process.stdout.write = ((chunk: string | Uint8Array) => {
  if (captured.length >= MAX_WARNINGS * 4) return true;
  for (const line of String(chunk).split('\n')) {
    const text = line.replace(/^Warning:\s*/, '').trim();
    if (text && captured.length < MAX_WARNINGS * 4 && !captured.includes(text)) captured.push(text);
  }
  return true;
}) as typeof process.stdout.write;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function handle(task: TaskMessage): Promise<void> {
  captured = [];
  const engine = task.pdfEngine ?? DEFAULT_PDF_ENGINE;
  if (task.type === 'extract-part') {
    const part = await guarded(() => extractPdfPart(task.path, task.range, task.sha256, task.limits.maxFileBytes, task.expected, engine));
    send({ type: 'part-result', id: task.id, part, warnings: warnings() });
    return;
  }
  const extraction = await guarded<Extraction | Validation | PdfSplitPlan>(() =>
    task.depth === 'validate'
      ? validateFile(task.path, task.limits, task.expected, engine)
      : extractFileOrSplit(task.path, task.limits, task.split, {}, task.expected, engine),
  );
  send({ type: 'result', id: task.id, extraction, warnings: warnings() });
}

async function guarded<T>(work: () => Promise<T>): Promise<T | Rejected> {
  try {
    return await work();
  } catch (error) {
    return failureVerdict(error);
  }
}

function warnings(): string[] {
  return captured.slice(0, MAX_WARNINGS).map((w) => `pdf.js: ${w}`);
}

// One task at a time: the pool never sends a second before the first result, but be safe.
let chain: Promise<void> = Promise.resolve();
process.on('message', (message: unknown) => {
  if (!isTaskMessage(message)) return;
  chain = chain.then(() => handle(message));
});
process.on('disconnect', () => process.exit(0));

await loadPdfium();
send({ type: 'ready' });
