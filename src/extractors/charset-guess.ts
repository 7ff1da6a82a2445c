/**
 * Picks a legacy charset for bytes that are not UTF-8. jschardet alone is not enough: it calls
 * Latin-1 prose IBM855 with 0.99 confidence and has no Arabic model. So each plausible candidate
 * is decoded and scored on how much the result looks like writing: words in one script, no case
 * flips inside words, few stray symbols. Wrong single-byte guesses fail exactly those tests.
 */
import iconv from 'iconv-lite';
import jschardet from 'jschardet';

/** Single-byte code pages tried even when jschardet does not propose them. */
const FALLBACKS = ['windows-1252', 'windows-1250', 'windows-1251', 'windows-1253', 'windows-1256', 'windows-1255'];

export type CharsetGuess = { encoding: string; text: string; score: number };

export function guessCharset(buf: Buffer, normalise: (label: string) => string): CharsetGuess | undefined {
  const sample = buf.subarray(0, 256 * 1024);
  const candidates = new Map<string, number>();
  for (const { encoding, confidence } of jschardet.detectAll(sample, { minimumThreshold: 0 })) {
    const name = normalise(encoding);
    if (name === 'ascii' || name === 'utf-8' || !iconv.encodingExists(name)) continue;
    candidates.set(name, Math.max(candidates.get(name) ?? 0, Math.max(0, confidence)));
  }
  for (const name of FALLBACKS) if (!candidates.has(name)) candidates.set(name, 0.1);

  let best: CharsetGuess | undefined;
  for (const [encoding, confidence] of candidates) {
    const text = iconv.decode(sample, encoding);
    if (text.includes('\uFFFD')) continue;
    // The decoded text is the better witness; confidence only breaks near-ties.
    const score = confidence * 0.15 + plausibility(text);
    if (!best || score > best.score) best = { encoding, text, score };
  }
  if (!best || best.score < 0.5) return undefined;
  const text = sample.length === buf.length ? best.text : iconv.decode(buf, best.encoding);
  return { ...best, text };
}

const SCRIPTS: ReadonlyArray<RegExp> = [
  /\p{Script=Latin}/u,
  /\p{Script=Cyrillic}/u,
  /\p{Script=Greek}/u,
  /\p{Script=Arabic}/u,
  /\p{Script=Hebrew}/u,
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
  /\p{Script=Hangul}/u,
  /\p{Script=Thai}/u,
];

/** 1 for text that reads like one writing system; lower for typical mojibake. */
export function plausibility(text: string): number {
  let nonAscii = 0;
  let oddChars = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    nonAscii++;
    if (!/[\p{L}\p{M}\p{Zs}\u2010-\u201f\u2026\u00ab\u00bb\u060c\u061b\u061f]/u.test(ch)) oddChars++;
    if (/[\u0080-\u009f]/.test(ch)) oddChars += 4;
  }
  if (nonAscii === 0) return 1;
  let words = 0;
  let badWords = 0;
  for (const word of text.match(/[\p{L}\p{M}]{2,}/gu) ?? []) {
    if (!/[^\p{ASCII}]/u.test(word)) continue;
    words++;
    if (mixedScripts(word) || caseFlip(word)) badWords++;
  }
  const badWordRatio = words === 0 ? 0 : badWords / words;
  return 1 - Math.min(1, (2 * oddChars) / nonAscii) - badWordRatio;
}

function mixedScripts(word: string): boolean {
  let seen = 0;
  for (const script of SCRIPTS) if (script.test(word)) seen++;
  return seen > 1;
}

/** A capital after a small letter inside a word ("тСo", "ÇäÇÊ") is rare in prose. */
function caseFlip(word: string): boolean {
  return /\p{Ll}\p{Lu}/u.test(word);
}
