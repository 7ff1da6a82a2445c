import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GzipTextCache, textCacheFor } from '../../src/store/index.js';

const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensay-texts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('GzipTextCache', () => {
  it('keeps texts by hash, gzipped, and gives them back exactly', async () => {
    const cache = new GzipTextCache(join(dir, 'texts'));
    const text = 'Ünïcode — and a long line. '.repeat(2000);
    expect(await cache.list()).toEqual([]);
    await cache.put(hash(text), text);
    expect(await cache.get(hash(text))).toBe(text);
    expect(await cache.list()).toEqual([hash(text)]);
    const [name] = await readdir(join(dir, 'texts'));
    expect(name).toBe(`${hash(text)}.gz`);
    await cache.remove(hash(text));
    await cache.remove(hash(text));
    expect(await cache.get(hash(text))).toBeNull();
  });

  it('treats a damaged or mismatching copy as a miss and removes it', async () => {
    const cache = new GzipTextCache(dir);
    const text = 'the right text';
    await writeFile(join(dir, `${hash(text)}.gz`), 'not gzip');
    expect(await cache.get(hash(text))).toBeNull();
    await cache.put(hash(text), 'another text under the wrong name');
    expect(await cache.get(hash(text))).toBeNull();
    expect(await cache.list()).toEqual([]);
  });

  it('lists only finished copies (a temporary file of a killed writer is not one) and refuses a malformed hash', async () => {
    const cache = new GzipTextCache(dir);
    await writeFile(join(dir, `${'a'.repeat(64)}.gz.1234abcd.tmp`), 'partial');
    expect(await cache.list()).toEqual([]);
    await expect(cache.put('../escape', 'x')).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
  });

  it('lives in texts/ beside the state file, or in memory for a :memory: state', async () => {
    expect(textCacheFor(join(dir, 'state.db'))).toMatchObject({ dir: join(dir, 'texts') });
    const memory = textCacheFor(':memory:');
    await memory.put(hash('m'), 'm');
    expect(await memory.get(hash('m'))).toBe('m');
  });
});
