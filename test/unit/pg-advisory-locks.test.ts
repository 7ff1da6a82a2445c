/**
 * Every PostgreSQL advisory lock of the adapter names its class from one registry, and no two
 * classes are equal: two uses sharing a class (the migration's and the host leases' did) lock each
 * other out whenever their second keys meet.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADVISORY_LOCK_CLASSES } from '../../src/store/postgres/advisory-locks.js';
import { PROJECT_ROOT } from '../support/run-cli.js';

const ADAPTER = join(PROJECT_ROOT, 'src', 'store', 'postgres');

function adapterSources(dir = ADAPTER): Array<{ file: string; text: string }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return adapterSources(path);
    return entry.name.endsWith('.ts') ? [{ file: path.slice(ADAPTER.length + 1), text: readFileSync(path, 'utf8') }] : [];
  });
}

describe('PostgreSQL advisory locks', () => {
  it('have one class each', () => {
    const values = Object.values(ADVISORY_LOCK_CLASSES);
    expect(new Set(values).size).toBe(values.length);
  });

  it('take their class from the registry, never from a number written elsewhere', () => {
    const LOCK_CALL = /pg_(?:try_)?advisory_(?:xact_)?lock(?:_shared)?\([^;]*/g;
    const offenders = adapterSources()
      .filter(({ file }) => file !== 'advisory-locks.ts')
      .filter(({ text }) => /0x5349/i.test(text) || [...text.matchAll(LOCK_CALL)].some((call) => !call[0].includes('ADVISORY_LOCK_CLASSES.')))
      .map(({ file }) => file);
    expect(offenders).toEqual([]);
  });
});
