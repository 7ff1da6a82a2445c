import { describe, expect, it } from 'vitest';
import { locateSyntaxError, parseJson } from '../../src/config/json-syntax.js';

const sample = JSON.stringify(
  {
    $comment: 'sample with every JSON construct: "quotes", \\ and \u00e9',
    api: { baseUrl: 'https://api.sensay.io', userId: null, timeoutSeconds: 95.5e0, flag: true, off: false },
    sources: [{ path: 'docs', include: ['**/*.pdf', '**/*.md'], exclude: [], priority: -1 }],
  },
  null,
  2,
);

/** Deterministic pseudo-random numbers, so a failure reproduces. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('parseJson', () => {
  it('agrees with JSON.parse on what is valid, and locates every error JSON.parse finds', () => {
    const random = lcg(42);
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', 'a', '1', '-', ' ', '\n', '/', "'", 'e', '.'];
    let broken = 0;
    for (let i = 0; i < 2000; i++) {
      const at = Math.floor(random() * sample.length);
      const choice = random();
      const char = alphabet[Math.floor(random() * alphabet.length)] ?? '';
      const mutated =
        choice < 0.33
          ? sample.slice(0, at) + sample.slice(at + 1)
          : choice < 0.66
            ? sample.slice(0, at) + char + sample.slice(at)
            : sample.slice(0, at) + char + sample.slice(at + 1);
      let valid = true;
      try {
        JSON.parse(mutated);
      } catch {
        valid = false;
        broken++;
      }
      const located = locateSyntaxError(mutated);
      expect(located === undefined, `scanner and JSON.parse disagree on:\n${mutated}`).toBe(valid);
    }
    expect(broken).toBeGreaterThan(500);
  });

  it('reports a position on the line where the mistake is', () => {
    const result = parseJson('{\n  "a": 1,\n  "b": tru\n}');
    expect(result).toEqual({ ok: false, line: 3, column: 8, problem: expect.stringContaining('expected a value') });
  });

  it('explains single quotes and bad escapes', () => {
    expect(parseJson("{ 'a': 1 }")).toMatchObject({ ok: false, line: 1, column: 3, problem: expect.stringContaining('double quotes') });
    expect(parseJson('{ "path": "C:\\docs" }')).toMatchObject({ ok: false, column: 14, problem: expect.stringContaining('invalid escape') });
  });
});
