import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { invalidArgument } from '../errors.js';
import { TEXT_HASH_PATTERN, type TextCache } from '../text-cache.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const SUFFIX = '.gz';

/**
 * The text cache beside a SQLite state file: `<state folder>/texts/<textHash>.gz`. Writes go to a
 * temporary name and are renamed into place, so a reader (or a process killed mid-write) never
 * sees half a file; a read checks the hash, so a damaged copy counts as a miss.
 */
export class GzipTextCache implements TextCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async put(textHash: string, text: string): Promise<void> {
    const path = this.#path(textHash);
    const zipped = await gzipAsync(Buffer.from(text, 'utf8'));
    await mkdir(this.dir, { recursive: true });
    const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, zipped);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(textHash: string): Promise<string | null> {
    const path = this.#path(textHash);
    let text: string;
    try {
      text = (await gunzipAsync(await readFile(path))).toString('utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      await rm(path, { force: true });
      return null;
    }
    if (createHash('sha256').update(text, 'utf8').digest('hex') === textHash) return text;
    await rm(path, { force: true });
    return null;
  }

  async remove(textHash: string): Promise<void> {
    await rm(this.#path(textHash), { force: true });
  }

  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .filter((name) => name.endsWith(SUFFIX))
      .map((name) => name.slice(0, -SUFFIX.length))
      .filter((hash) => TEXT_HASH_PATTERN.test(hash));
  }

  #path(textHash: string): string {
    if (!TEXT_HASH_PATTERN.test(textHash)) throw invalidArgument(`Expected \`textHash\` to be 64 hex digits, got \`${textHash}\``);
    return join(this.dir, `${textHash}${SUFFIX}`);
  }
}

/** In-memory texts, for a `:memory:` state (tests): they live as long as the process. */
export class MemoryTextCache implements TextCache {
  readonly #texts = new Map<string, string>();
  put(textHash: string, text: string): Promise<void> {
    this.#texts.set(textHash, text);
    return Promise.resolve();
  }
  get(textHash: string): Promise<string | null> {
    return Promise.resolve(this.#texts.get(textHash) ?? null);
  }
  remove(textHash: string): Promise<void> {
    this.#texts.delete(textHash);
    return Promise.resolve();
  }
  list(): Promise<string[]> {
    return Promise.resolve([...this.#texts.keys()]);
  }
}

/** The cache that belongs with a state file: `texts/` in its folder, or memory for `:memory:`. */
export function textCacheFor(statePath: string): TextCache {
  return statePath === ':memory:' ? new MemoryTextCache() : new GzipTextCache(join(dirname(statePath), 'texts'));
}
