/**
 * HTML validation's early evidence (html-title.ts): a head `<title>` with a letter or digit. Each
 * case that says true is checked against the full HTML-to-text path, which must then hold text;
 * each unusual head says false (the caller then parses the page in full). validateFile must decide
 * a titled page without the DOM and send an untitled one to htmlToText.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { extractFile } from '../../src/extractors/extract-file.js';
import { htmlToText } from '../../src/extractors/html-text.js';
import { headTitleHasText } from '../../src/extractors/html-title.js';
import { hasText } from '../../src/extractors/normalise.js';
import { validateFile } from '../../src/extractors/validate-file.js';

vi.mock('../../src/extractors/html-text.js', async (original) => {
  const real = await original<typeof import('../../src/extractors/html-text.js')>();
  return { ...real, htmlToText: vi.fn(real.htmlToText) };
});

const TITLED: Array<[string, string]> = [
  ['a plain head', '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Report 2024</title></head><body></body></html>'],
  ['comments, a processing instruction, links and a script first', '<?xml version="1.0"?>\n<!-- built --><HTML><Head>\n<link rel=stylesheet href=a.css><script>if (a < b) x = "</p>";</script><style>p > a {}</style><TITLE>Über</TITLE>'],
  ['a title without html or head', '<title>x</title><p></p>'],
  ['quoted attributes holding > and /', '<meta content="a > b" name=\'c/d\'><title id=t>Page</title>'],
  ['a title that only the body repeats', '<title>Same</title><body><p>Same and more</p>'],
  ['letters next to a character reference', '<title>&amp; Co</title>'],
];

const UNDECIDED: Array<[string, string]> = [
  ['no title', '<html><head></head><body><p>text</p></body></html>'],
  ['only a character reference', '<title>&amp;&#65;&nbsp;</title><body><p>A</p>'],
  ['separators only', '<title> — · </title>'],
  ['text before the title (the body has started)', 'hello<title>x</title>'],
  ['another tag before the title', '<div></div><title>x</title>'],
  ['an end tag before the title', '<head></head><title>x</title>'],
  ['a script with a comment opener', '<script><!-- </script><title>x</title> --></script><title>y</title>'],
  ['a noscript before the title', '<noscript><title>x</title></noscript>'],
  ['a template before the title', '<template><title>x</title></template>'],
  ['an abrupt comment', '<!--><title>x</title>'],
  ['a comment ended by --!>', '<!-- a --!><title>x</title> -->'],
  ['attributes without white space between them', '<meta a="1"b="2"><title>x</title>'],
  ['an unterminated title', '<title>x'],
  ['an end tag with a space', '<title>x</title ><p>'],
  ['a title in svg', '<svg><title>x</title></svg>'],
  ['a byte order mark left in the text', '\uFEFF<title>x</title>'],
  ['a Kelvin sign in a head tag name', '<lin\u212A><title>x</title>'],
];

describe('headTitleHasText', () => {
  it.each(TITLED)('%s: text, and the full path agrees', async (_, html) => {
    expect(headTitleHasText(html)).toBe(true);
    expect(hasText((await htmlToText(html)).text)).toBe(true);
  });

  it.each(UNDECIDED)('%s: no answer', (_, html) => {
    expect(headTitleHasText(html)).toBe(false);
  });

  it('leaves the verdict to the full path when a title holds no letter', async () => {
    expect(hasText((await htmlToText('<title>&amp;</title><body> </body>')).text)).toBe(false);
    expect(hasText((await htmlToText('<title>&amp;</title><body><p>A</p></body>')).text)).toBe(true);
  });
});

describe('validateFile on HTML', () => {
  let dir: string;
  const parsed = vi.mocked(htmlToText);
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'html-title-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    parsed.mockClear();
  });

  const write = (name: string, html: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, html);
    return file;
  };

  it('decides a page with a titled head without parsing it, with the extraction\'s verdict and encoding', async () => {
    const file = write('titled.html', `<html><head><meta charset="iso-8859-1"><title>Caf\u00e9</title></head><body>${'<p>x</p>'.repeat(1000)}</body>`);
    const validated = await validateFile(file);
    expect(parsed).not.toHaveBeenCalled();
    const extracted = await extractFile(file);
    expect(validated).toMatchObject({ ok: true, validated: true, kind: 'html', encoding: extracted.ok ? extracted.encoding : '-' });
  });

  it('parses an untitled page in full: NO_TEXT and ok as extraction says', async () => {
    for (const [name, html, outcome] of [
      ['empty.html', '<html><head><title>&amp;</title></head><body><script>x()</script></body></html>', 'NO_TEXT'],
      ['body.html', '<html><body><p>Words</p></body></html>', 'ok'],
    ] as const) {
      parsed.mockClear();
      const file = write(name, html);
      const validated = await validateFile(file);
      expect(parsed).toHaveBeenCalledTimes(1);
      const extracted = await extractFile(file);
      expect(validated.ok ? 'ok' : validated.reason).toBe(outcome);
      expect(extracted.ok ? 'ok' : extracted.reason).toBe(outcome);
    }
  });
});
