/**
 * Early evidence of text in an HTML document, for validation (file mode): a `<title>` in the
 * document's head that holds a letter or digit. htmlToText puts the first title's text in front of
 * the body (or the body already starts with it), so such a title alone means the full extraction
 * has text. Finding it costs a scan of the head instead of building the whole DOM: on the corpus's
 * large pages ~0.05 ms instead of 50–270 ms of cheerio.
 *
 * The scan says true only when it is sure the HTML parser (parse5, through cheerio) makes this
 * title the document's first `<title>` element with this content: everything before it must be
 * markup that keeps the parser in the head (doctype, comments, `<html>`, `<head>`, `<meta>`,
 * `<link>`, `<base>`, `<script>`, `<style>`), written plainly. Anything else (text, another tag,
 * an end tag, a script holding `<!--`, attributes it does not read plainly) ends the scan with
 * false and the caller extracts the text in full, as before: the verdict is never a guess.
 */
import { hasText } from './normalise.js';

/** Tags that leave parse5 in the head (or before it), with no content of their own. */
const HEAD_TAGS = new Set(['html', 'head', 'meta', 'link', 'base', 'basefont', 'bgsound']);
/** Head tags whose content is raw text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style']);

const SPACE = /[\t\n\f\r ]*/y;
// A start tag written plainly: a name, then attributes each after white space, values quoted or
// plain; e.g. `a="1"b` or `/ x` between attributes (legal but unusual) do not match: no answer.
const START_TAG = /<([a-zA-Z][^\t\n\f\r />]*)(?:[\t\n\f\r ]+[^\t\n\f\r /><"'=]+(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"[^"]*"|'[^']*'|[^\t\n\f\r "'=<>`]+))?)*[\t\n\f\r ]*\/?>/y;
const DOCTYPE = /<!doctype[^>]*>/iy;
const PROCESSING = /<\?[^>]*>/y;
/** Character references are decoded by the parser: a letter inside one is not evidence. */
const CHAR_REF = /&#?[0-9a-zA-Z]*;?/g;

export function headTitleHasText(html: string): boolean {
  let at = 0;
  for (;;) {
    SPACE.lastIndex = at;
    SPACE.exec(html);
    at = SPACE.lastIndex;
    if (html.startsWith('<!--', at)) {
      const end = commentEnd(html, at);
      if (end < 0) return false;
      at = end;
      continue;
    }
    const skipped = skip(DOCTYPE, html, at) ?? skip(PROCESSING, html, at);
    if (skipped !== undefined) {
      at = skipped;
      continue;
    }
    START_TAG.lastIndex = at;
    const tag = START_TAG.exec(html);
    if (!tag) return false;
    at = START_TAG.lastIndex;
    const name = asciiLower(tag[1] ?? '');
    if (HEAD_TAGS.has(name)) continue;
    if (!RAW_TEXT.has(name) && name !== 'title') return false;
    const close = endTag(html, at, name);
    if (close < 0) return false;
    const content = html.slice(at, close);
    if (name === 'title') return hasText(content.replace(CHAR_REF, ' '));
    // Script data holding `<!--` has escape states that can hide `</script>`: not read here.
    if (name === 'script' && content.includes('<!--')) return false;
    at = close + name.length + 3;
  }
}

function skip(pattern: RegExp, html: string, at: number): number | undefined {
  pattern.lastIndex = at;
  return pattern.exec(html) ? pattern.lastIndex : undefined;
}

/** Just past a plain comment's `-->`; -1 for the abrupt or unusual endings parse5 also accepts. */
function commentEnd(html: string, at: number): number {
  const end = html.indexOf('-->', at + 4);
  if (end < 0) return -1;
  const body = html.slice(at + 4, end);
  if (body.startsWith('>') || body.startsWith('->') || body.includes('--!>')) return -1;
  return end + 3;
}

/** Where `</name>` starts (written plainly, any case), or -1. */
function endTag(html: string, from: number, name: string): number {
  const pattern = new RegExp(`</${name}([\\t\\n\\f\\r />])`, 'gi');
  pattern.lastIndex = from;
  const match = pattern.exec(html);
  if (!match) return -1;
  // `</title >` or `</title/>` would also end it; only the plain `>` is read here.
  return match[1] === '>' ? match.index : -1;
}

/** Tag names are case-insensitive in ASCII only (toLowerCase would map e.g. the Kelvin sign to k). */
function asciiLower(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
