/**
 * PDF text with PDFium compiled to WebAssembly (@hyzyla/pdfium, MIT; PDFium itself BSD-3/Apache-2).
 * The engine runs in the extraction worker like pdf.js: its memory is the WebAssembly heap
 * (bounded at 2 GB by the build) inside the worker process the pool supervises. The .wasm file is
 * read from the installed package: nothing is fetched at install or run time.
 *
 * PDFium opens a document lazily (cross-reference table and trailer) and parses a page only when
 * it is loaded, so a page range or a validation costs what it reads, not the whole file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { reject, type Rejected } from './extraction.js';

/** The raw PDFium calls this module uses (the package's own type lists only some of them). */
type PdfiumModule = {
  _FPDF_InitLibraryWithConfig(config: object): void;
  _FPDF_LoadMemDocument(data: number, size: number, password: number): number;
  _FPDF_GetLastError(): number;
  _FPDF_GetPageCount(doc: number): number;
  _FPDF_LoadPage(doc: number, index: number): number;
  _FPDF_ClosePage(page: number): void;
  _FPDF_CloseDocument(doc: number): void;
  _FPDF_GetMetaText(doc: number, tag: number, buffer: number, length: number): number;
  _FPDFText_LoadPage(page: number): number;
  _FPDFText_ClosePage(textPage: number): void;
  _FPDFText_CountChars(textPage: number): number;
  _FPDFText_GetText(textPage: number, start: number, count: number, buffer: number): number;
  wasmExports: { malloc(size: number): number; free(ptr: number): void };
  HEAPU8: Uint8Array;
};

/** FPDF_GetLastError codes (fpdfview.h). */
const FPDF_ERR = { UNKNOWN: 1, FILE: 2, FORMAT: 3, PASSWORD: 4, SECURITY: 5, PAGE: 6 } as const;

let loaded: Promise<PdfiumModule> | undefined;
/** The instance `loaded` resolved to, for synchronous use; undefined until then and after a discard. */
let ready: PdfiumModule | undefined;

/** Instantiates PDFium once per process; workers call this at start-up to pay the cost early. */
export function loadPdfium(): Promise<PdfiumModule> {
  loaded ??= instantiate().then(
    (module) => (ready = module),
    (error: unknown) => {
      loaded = undefined;
      throw error;
    },
  );
  return loaded;
}

async function instantiate(): Promise<PdfiumModule> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('@hyzyla/pdfium/pdfium.wasm'));
  const { PDFiumModule } = await import('@hyzyla/pdfium');
  const binary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
  // A no-op locateFile keeps the loader from resolving a URL: the binary is given.
  const module = (await PDFiumModule({ wasmBinary: binary, locateFile: () => '' })) as unknown as PdfiumModule;
  module._FPDF_InitLibraryWithConfig({ version: 2, m_pIsolate: null, m_pUserFontPaths: null, m_v8EmbedderSlot: 0, m_pPlatform: null });
  return module;
}

/**
 * After a WebAssembly trap (out of heap, an abort inside PDFium) the instance's state cannot be
 * trusted: the next document gets a fresh one.
 */
export function discardPdfium(): void {
  loaded = undefined;
  ready = undefined;
}

/**
 * A region of PDFium's heap that a reader fills, so the document opens without copying the file
 * in. The owner frees it. `bytes` is a fresh view each time: a view taken earlier is emptied
 * when the heap grows while PDFium works.
 */
export class PdfiumBytes {
  #freed = false;
  constructor(
    readonly module: PdfiumModule,
    readonly ptr: number,
    readonly length: number,
  ) {}

  get bytes(): Uint8Array {
    return this.module.HEAPU8.subarray(this.ptr, this.ptr + this.length);
  }

  /** A copy on the JavaScript heap (for pdf.js, which may detach what it is given). */
  copy(): Buffer {
    return Buffer.from(this.bytes);
  }

  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    // An instance dropped after a trap is not called into again; its heap goes with it.
    if (this.module === ready) this.module.wasmExports.free(this.ptr);
  }
}

/** `size` bytes in PDFium's heap; undefined when PDFium is not loaded yet or its heap is full. */
export function reservePdfiumBytes(size: number): PdfiumBytes | undefined {
  const m = ready;
  if (m === undefined) return undefined;
  const ptr = m.wasmExports.malloc(Math.max(1, size));
  return ptr ? new PdfiumBytes(m, ptr, size) : undefined;
}

/** An open document; `close` frees it and its bytes in the WebAssembly heap. */
export type PdfiumDocument = {
  pages: number;
  /** The raw text of page `index` (0-based), '' when the page has none or cannot be loaded. */
  pageText(index: number): string;
  title(): string;
  close(): void;
};

/**
 * Bytes already in this instance's heap (PdfiumBytes) are used in place and stay the caller's;
 * anything else is copied in and freed on close.
 */
export async function openPdfium(input: Uint8Array | PdfiumBytes): Promise<PdfiumDocument | Rejected> {
  const m = await loadPdfium();
  const inPlace = input instanceof PdfiumBytes && input.module === m;
  const bytes = input instanceof PdfiumBytes ? input.bytes : input;
  const data = inPlace ? input.ptr : m.wasmExports.malloc(Math.max(1, bytes.length));
  if (!data) return reject('TOO_COMPLEX', 'the PDF does not fit in the PDF engine\'s memory; split it into smaller files');
  const release = () => {
    if (!inPlace) m.wasmExports.free(data);
  };
  if (!inPlace) m.HEAPU8.set(bytes, data);
  const doc = m._FPDF_LoadMemDocument(data, bytes.length, 0);
  if (!doc) {
    const code = m._FPDF_GetLastError();
    release();
    return classifyPdfiumError(code);
  }
  let open = true;
  return {
    pages: m._FPDF_GetPageCount(doc),
    pageText: (index) => pageText(m, doc, index),
    title: () => metaText(m, doc, 'Title'),
    close: () => {
      if (!open) return;
      open = false;
      m._FPDF_CloseDocument(doc);
      release();
    },
  };
}

export function classifyPdfiumError(code: number): Rejected {
  if (code === FPDF_ERR.PASSWORD) {
    return reject('ENCRYPTED', 'the PDF is password-protected (PDFium: password required); upload an unprotected copy');
  }
  if (code === FPDF_ERR.SECURITY) {
    return reject('ENCRYPTED', 'the PDF uses an unsupported security handler (PDFium); upload an unprotected copy');
  }
  const what = code === FPDF_ERR.FORMAT ? 'not a PDF or damaged' : code === FPDF_ERR.PAGE ? 'page content error' : `error ${code}`;
  return reject('CORRUPT', `the PDF could not be parsed (PDFium: ${what}); re-export or repair it`);
}

function pageText(m: PdfiumModule, doc: number, index: number): string {
  const page = m._FPDF_LoadPage(doc, index);
  if (!page) return '';
  try {
    const textPage = m._FPDFText_LoadPage(page);
    if (!textPage) return '';
    try {
      const count = m._FPDFText_CountChars(textPage);
      if (count <= 0) return '';
      const buffer = m.wasmExports.malloc((count + 1) * 2);
      try {
        // The count written includes the terminating NUL.
        const written = m._FPDFText_GetText(textPage, 0, count, buffer);
        return written > 1 ? withoutMarkers(utf16(m, buffer, written - 1)) : '';
      } finally {
        m.wasmExports.free(buffer);
      }
    } finally {
      m._FPDFText_ClosePage(textPage);
    }
  } finally {
    m._FPDF_ClosePage(page);
  }
}

function metaText(m: PdfiumModule, doc: number, tag: string): string {
  const tagBytes = Buffer.from(`${tag}\0`, 'latin1');
  const tagPtr = m.wasmExports.malloc(tagBytes.length);
  try {
    m.HEAPU8.set(tagBytes, tagPtr);
    const size = m._FPDF_GetMetaText(doc, tagPtr, 0, 0);
    if (size <= 2) return '';
    const buffer = m.wasmExports.malloc(size);
    try {
      m._FPDF_GetMetaText(doc, tagPtr, buffer, size);
      return utf16(m, buffer, size / 2 - 1).trim();
    } finally {
      m.wasmExports.free(buffer);
    }
  } finally {
    m.wasmExports.free(tagPtr);
  }
}

/** PDFium marks a hyphen it removed at a line end with U+FFFE (a noncharacter): the word is whole. */
function withoutMarkers(text: string): string {
  return text.includes('\uFFFE') ? text.replace(/\uFFFE/g, '') : text;
}

const UTF16 = new TextDecoder('utf-16le');

/** `units` UTF-16 code units at `ptr` (copied out: the heap may move when it grows). */
function utf16(m: PdfiumModule, ptr: number, units: number): string {
  return UTF16.decode(m.HEAPU8.slice(ptr, ptr + units * 2));
}
