/**
 * Writes small, valid PDFs by hand (no dependency): Helvetica text pages, blank pages, a fake
 * encryption dictionary. Used by scripts/make-fixtures.ts, the extractor tests and the benchmark.
 */
import { brotliCompressSync } from 'node:zlib';
import { deflatedZeros } from './zip-writer.js';

/**
 * A page whose content stream is a few hundred KiB of Flate data inflating to `inflatedBytes`
 * of zeros (blank to a reader, but the parser has to hold it all): a memory bomb.
 */
export type BombPage = { inflatedBytes: number };

export type PdfSpec = {
  /** Text lines per page; an empty array is a blank page. */
  pages: (string[] | BombPage)[];
  title?: string;
  /** Adds a Standard security handler whose user password is unknown: readers must ask for it. */
  encrypted?: boolean;
  /**
   * Text pages' content streams compressed with BrotliDecode (a PDF 2.0 proposal): pdf.js ≥ 5.4
   * reads them, PDFium finds no text.
   */
  brotliContent?: boolean;
};

export function writePdf(spec: PdfSpec): Buffer {
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const lines of spec.pages) {
    if (!Array.isArray(lines)) {
      const zlib = Buffer.concat([Buffer.from([0x78, 0x9c]), deflatedZeros(lines.inflatedBytes).bytes, Buffer.alloc(4)]).toString('latin1');
      const content = add(`<< /Length ${zlib.length} /Filter /FlateDecode >>\nstream\n${zlib}\nendstream`);
      kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 842] /Contents ${content} 0 R >>`));
      continue;
    }
    const ops = lines.length
      ? `BT /F1 11 Tf 14 TL 56 780 Td ${lines.map((l) => `(${escapePdf(l)}) Tj T*`).join(' ')} ET`
      : '';
    const data = spec.brotliContent ? brotliCompressSync(Buffer.from(ops, 'latin1')).toString('latin1') : ops;
    const filter = spec.brotliContent ? ' /Filter /BrotliDecode' : '';
    const content = add(`<< /Length ${Buffer.byteLength(data, 'latin1')}${filter} >>\nstream\n${data}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const info = add(`<< /Producer (sensay-ingest fixtures)${spec.title ? ` /Title (${escapePdf(spec.title)})` : ''} >>`);
  const encrypt = spec.encrypted
    ? add(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <${'7a'.repeat(32)}> /U <${'5c'.repeat(32)}> >>`)
    : undefined;

  const chunks: string[] = ['%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n'];
  let offset = Buffer.byteLength(chunks[0] as string, 'latin1');
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const obj = `${i + 1} 0 obj\n${body}\nendobj\n`;
    offsets.push(offset);
    chunks.push(obj);
    offset += Buffer.byteLength(obj, 'latin1');
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  const id = '<0123456789abcdef0123456789abcdef>';
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R${encrypt ? ` /Encrypt ${encrypt} 0 R` : ''} /ID [${id} ${id}] >>\nstartxref\n${offset}\n%%EOF\n`;
  chunks.push(xref, trailer);
  return Buffer.from(chunks.join(''), 'latin1');
}

function escapePdf(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** Deterministic prose for generated documents. */
export function loremLines(count: number, seed = 1): string[] {
  const words = ['sensay', 'replica', 'knowledge', 'document', 'upload', 'budget', 'extract', 'text', 'page', 'hour', 'queue', 'status', 'ready', 'source', 'folder', 'change'];
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) & 0x7fffffff);
  return Array.from({ length: count }, () => Array.from({ length: 12 }, () => words[next() % words.length]).join(' '));
}

/** The benchmarks' large text PDF: 60-line lorem pages until the file is about `mb` MiB. */
export function largeTextPdf(mb: number): Buffer {
  const perPage = writePdf({ pages: [loremLines(60, 1)] }).length;
  const pages = Math.max(1, Math.round((mb * 1024 * 1024) / perPage));
  return writePdf({ pages: Array.from({ length: pages }, (_, i) => loremLines(60, i + 1)) });
}
