/**
 * HTML to readable text with cheerio: boilerplate and script elements are dropped, block elements
 * become line breaks and table cells tabs, so paragraphs survive as paragraphs.
 */
import type { AnyNode } from 'domhandler';
import { lazyLoader } from './lazy-parser.js';

const DROPPED = 'script, style, noscript, template, nav, header, footer, aside, iframe, object, svg, head';

const BLOCK = new Set([
  'address', 'article', 'blockquote', 'br', 'caption', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption',
  'figure', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'main', 'ol', 'p', 'pre', 'section',
  'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul', 'body', 'html', 'center', 'details', 'summary',
]);
const CELL = new Set(['td', 'th']);

export type HtmlText = { text: string; title?: string };

/** cheerio (~0.2 s to load) is loaded by the first page that needs its DOM (lazy-parser.ts). */
export const loadCheerio = lazyLoader('cheerio', () => import('cheerio'));

export async function htmlToText(html: string): Promise<HtmlText> {
  const cheerio = await loadCheerio();
  const $ = cheerio.load(html);
  const title = collapse($('title').first().text()) || undefined;
  $(DROPPED).remove();
  const parts: string[] = [];
  for (const node of $.root().contents().toArray()) walk(node, parts);
  const body = parts
    .join('')
    .split('\n')
    .map((line) => collapse(line))
    .join('\n');
  const text = title && !body.trimStart().startsWith(title) ? `${title}\n\n${body}` : body;
  return title ? { text, title } : { text };
}

function walk(node: AnyNode, out: string[]): void {
  if (node.type === 'text') {
    out.push(node.data);
    return;
  }
  if (node.type !== 'tag' && node.type !== 'root') return;
  const name = node.type === 'tag' ? node.name.toLowerCase() : '';
  const block = BLOCK.has(name);
  if (block) out.push('\n');
  for (const child of node.children) walk(child, out);
  if (block) out.push('\n');
  else if (CELL.has(name)) out.push('\t');
}

/** Runs of blanks become one space; a tab between cells stays a tab. */
function collapse(line: string): string {
  return line
    .replace(/[ \f\v\r\u00a0\u200b]+/g, ' ')
    .replace(/ ?\t[ \t]*/g, '\t')
    .trim();
}

/** The charset an HTML document declares in its first 4 KiB (`<meta charset>` or http-equiv). */
export function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString('latin1');
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return meta?.[1];
}
