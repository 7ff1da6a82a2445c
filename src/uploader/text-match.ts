import { normaliseText } from '../extractors/normalise.js';

/**
 * How an entry's `rawText` compares with our normalised text (DECISIONS, adoption): `same`, or
 * `prefix` when it is equal on its whole length and ours is longer (a truncated `rawText` looks
 * like this, but so does an older version that we have appended to), or `different`.
 */
export type TextMatch = 'same' | 'prefix' | 'different';

export function compareRawText(rawText: string | undefined, ours: string): TextMatch {
  if (rawText === undefined) return 'different';
  const theirs = normaliseText(rawText);
  if (theirs === ours) return 'same';
  if (theirs.length > 0 && ours.length > theirs.length && ours.startsWith(theirs)) return 'prefix';
  return 'different';
}
