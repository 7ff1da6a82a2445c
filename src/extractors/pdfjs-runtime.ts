/**
 * Loads pdf-parse and pdf.js's worker half into this process once, and undoes the polyfills of
 * pdf.js's legacy build that Node 20 does not need. The legacy build (the one pdf-parse imports)
 * replaces `Array.prototype.push` with core-js's JavaScript version (forced because of an edge
 * case at lengths ≥ 2^32) and `JSON.parse`/`JSON.stringify`; pdf.js pushes millions of times
 * while building text content, so the replacement alone cost 15–40 % of a large PDF's time.
 * Restoring the engine's own functions keeps every behaviour pdf.js relies on.
 *
 * The worker half (`pdf.worker.mjs`, ~2 MB of source) is loaded here too, with the rest: pdf.js's
 * "fake worker" would otherwise import it on the first document and pay ~1 s for it there.
 */

import { lazyLoader } from './lazy-parser.js';

type PdfParseModule = typeof import('pdf-parse');

/** Loaded by the first PDF that pdf.js reads (lazy-parser.ts): PDFium reads most of them. */
export const loadPdfjsRuntime = lazyLoader('pdf-parse (pdf.js)', load);

async function load(): Promise<PdfParseModule> {
  const natives = { push: Array.prototype.push, parse: JSON.parse, stringify: JSON.stringify };
  try {
    const pdfParse = await import('pdf-parse');
    // Registers globalThis.pdfjsWorker, which pdf.js's fake worker uses instead of importing.
    await import('pdfjs-dist/legacy/build/pdf.worker.mjs' as string);
    return pdfParse;
  } finally {
    restore(natives);
  }
}

function restore(natives: { push: typeof Array.prototype.push; parse: typeof JSON.parse; stringify: typeof JSON.stringify }): void {
  if (Array.prototype.push !== natives.push) {
    Object.defineProperty(Array.prototype, 'push', { value: natives.push, writable: true, configurable: true, enumerable: false });
  }
  if (JSON.parse !== natives.parse) JSON.parse = natives.parse;
  if (JSON.stringify !== natives.stringify) JSON.stringify = natives.stringify;
}
