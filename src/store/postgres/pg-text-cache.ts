import { createHash } from 'node:crypto';
import { invalidArgument } from '../errors.js';
import { TEXT_HASH_PATTERN, type TextCache } from '../text-cache.js';
import type { PgDatabase } from './pg-database.js';
import { toStoreError } from './pg-errors.js';

/**
 * The text cache of a PostgreSQL state (DECISIONS "Text mode and memory"): one row per text
 * hash in `texts`, so any host can upload a text another host extracted. Content-addressed, so
 * a put that finds the row is done; a read checks the hash, and a damaged row counts as a miss.
 */
export class PgTextCache implements TextCache {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async put(textHash: string, text: string): Promise<void> {
    check(textHash);
    await this.#query('INSERT INTO texts (text_hash, body) VALUES ($1, $2) ON CONFLICT (text_hash) DO NOTHING', [textHash, text]);
  }

  async get(textHash: string): Promise<string | null> {
    check(textHash);
    const rows = await this.#query<{ body: string }>('SELECT body FROM texts WHERE text_hash = $1', [textHash]);
    const body = rows[0]?.body;
    if (body === undefined) return null;
    if (createHash('sha256').update(body, 'utf8').digest('hex') === textHash) return body;
    await this.remove(textHash);
    return null;
  }

  async remove(textHash: string): Promise<void> {
    check(textHash);
    await this.#query('DELETE FROM texts WHERE text_hash = $1', [textHash]);
  }

  async list(): Promise<string[]> {
    return (await this.#query<{ text_hash: string }>('SELECT text_hash FROM texts ORDER BY text_hash')).map((row) => row.text_hash);
  }

  async #query<T extends object>(text: string, values: unknown[] = []): Promise<T[]> {
    try {
      return (await this.#db.pool.rows(text, values)) as T[];
    } catch (error) {
      throw toStoreError(error, this.#db.target);
    }
  }
}

function check(textHash: string): void {
  if (!TEXT_HASH_PATTERN.test(textHash)) throw invalidArgument(`Expected \`textHash\` to be 64 hex digits, got \`${textHash}\``);
}
