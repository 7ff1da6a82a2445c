import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { PgTextCache } from '../../src/store/postgres/pg-text-cache.js';
import { createPgTestDatabase, pgOrSkipMessage, type PgTestDatabase } from '../support/pg-test-db.js';

const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const available = await pgOrSkipMessage('the text cache in PostgreSQL');

describe.skipIf(!available)('PgTextCache (the texts table)', () => {
  let database: PgTestDatabase | undefined;
  beforeAll(async () => {
    database = await createPgTestDatabase('sensay_texts');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('keeps texts by hash, shared by every store on the database, and treats a damaged row as a miss', async () => {
    await using store = await openPostgresStore({ url: database?.url ?? '' });
    await using other = await openPostgresStore({ url: database?.url ?? '' });
    const cache = new PgTextCache(store.database);
    const text = 'Ünïcode — and a long line. '.repeat(2000);
    expect(await cache.list()).toEqual([]);
    await cache.put(hash(text), text);
    await cache.put(hash(text), text);
    expect(await new PgTextCache(other.database).get(hash(text))).toBe(text);
    expect(await cache.list()).toEqual([hash(text)]);
    await cache.remove(hash(text));
    await cache.remove(hash(text));
    expect(await cache.get(hash(text))).toBeNull();

    await cache.put(hash('the right text'), 'another text under the wrong name');
    expect(await cache.get(hash('the right text'))).toBeNull();
    expect(await cache.list()).toEqual([]);
    await expect(cache.put('not-a-hash', 'x')).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
  });
});
