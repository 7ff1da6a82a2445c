import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { compareRawText } from '../../src/uploader/text-match.js';

const UUID = '7f3c2a10-0000-4000-8000-000000000001';
const parse = (source: Record<string, unknown>) =>
  parseConfig({ sources: [{ path: 'docs', replicaUUID: UUID, ...source }] }, { configPath: '/tmp/c.json', env: {} });

describe('config: sources[].update', () => {
  it('defaults to "in-place" in text mode and "replace" in file mode', () => {
    expect(parse({ mode: 'text' }).sources[0]?.update).toBe('in-place');
    expect(parse({}).sources[0]?.update).toBe('replace');
    expect(parse({ mode: 'text', update: 'replace' }).sources[0]?.update).toBe('replace');
    expect(parse({ mode: 'file', update: 'replace' }).sources[0]?.update).toBe('replace');
  });

  it('refuses "in-place" in file mode, naming the key and the fix', () => {
    let error: unknown;
    try {
      parse({ mode: 'file', update: 'in-place' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as ConfigError).message)).toContain('sources[0].update: "in-place" needs mode "text"');
  });

  it('refuses an unknown value', () => {
    expect(() => parse({ mode: 'text', update: 'patch' })).toThrow(/sources\[0\]\.update: expected "in-place" or "replace"/);
  });
});

describe('compareRawText (an entry carries our text?)', () => {
  it('is "same" up to normalisation, "prefix" when ours extends it, else "different"', () => {
    expect(compareRawText('Hello\r\nworld  \n', 'Hello\nworld')).toBe('same');
    expect(compareRawText('Hello', 'Hello\n\nworld')).toBe('prefix');
    expect(compareRawText('Hello there', 'Hello\n\nworld')).toBe('different');
    expect(compareRawText('', 'Hello')).toBe('different');
    expect(compareRawText(undefined, 'Hello')).toBe('different');
  });
});
