/**
 * DOCX text with mammoth's convertToHtml (extractRawText drops footnotes and endnotes), then the
 * HTML walker. Runs only after the zip-bomb guard has bounded what mammoth will inflate.
 */
import { reject, type Rejected } from './extraction.js';
import { htmlToText } from './html-text.js';
import { lazyLoader } from './lazy-parser.js';
import { checkZip, type ZipLimits } from './zip-guard.js';

export type DocxText = { ok: true; text: string; warnings: string[] };

type MammothModule = typeof import('mammoth');

/** Loaded by the first DOCX converted (lazy-parser.ts). */
export const loadMammoth = lazyLoader('mammoth', () => import('mammoth').then((m) => ('default' in m ? (m.default as MammothModule) : m)));

export async function extractDocx(buf: Buffer, limits: ZipLimits): Promise<DocxText | Rejected> {
  const zip = await checkZip(buf, limits);
  if (!zip.ok) return zip;
  if (!zip.names.includes('word/document.xml')) {
    return reject('TYPE_MISMATCH', 'named .docx but the ZIP holds no word/document.xml (not a Word document); rename or replace it');
  }
  const mammoth = await loadMammoth();
  let html: string;
  let messages: Array<{ type: string; message: string }>;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: buf },
      {
        // Images are not text: skip reading them rather than base64 them into the HTML.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
        externalFileAccess: false,
      },
    );
    html = result.value;
    messages = result.messages;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return reject('CORRUPT', `the DOCX could not be converted (${message.replace(/\s+/g, ' ').slice(0, 160)}); re-save it from Word`);
  }
  // Footnote back-links render as a bare arrow.
  const { text } = await htmlToText(html.replace(/<a href="#(?:footnote|endnote)-ref-[^"]*">[^<]*<\/a>/g, ''));
  const warnings = [...new Set(messages.filter((m) => m.type === 'error').map((m) => `mammoth: ${m.message}`))].slice(0, 10);
  return { ok: true, text, warnings };
}
