import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePostgresConnection } from '../../src/config/postgres-connection.js';
import type { PostgresStateConfig } from '../../src/config/types.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sensay-pgconn-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const byUrl = (url: string): PostgresStateConfig => ({ kind: 'postgres', url, urlFile: null, retentionDays: 30 });

describe('the PostgreSQL connection of a state', () => {
  it('takes the password from state.urlFile and keeps it out of the URL and of every print', () => {
    const file = join(dir, 'pg-url');
    writeFileSync(file, 'postgres://ingest:s3cr%3Aet@db.internal:5433/sensay\n', { mode: 0o600 });
    const connection = resolvePostgresConnection({ kind: 'postgres', url: null, urlFile: file, retentionDays: 30 }, {});
    expect(connection.url).toBe('postgres://ingest@db.internal:5433/sensay');
    expect(connection.password?.reveal()).toBe('s3cr:et');
    expect(`${inspect(connection)} ${JSON.stringify(connection)}`).not.toContain('s3cr');
  });

  it('falls back to PGPASSWORD, then to a private ~/.pgpass line matching host, port, database and user', () => {
    expect(resolvePostgresConnection(byUrl('postgres://ingest@db/sensay'), { PGPASSWORD: 'from-env' }).password?.reveal()).toBe('from-env');
    const pgpass = join(dir, '.pgpass');
    writeFileSync(pgpass, ['# comment', 'other:5432:sensay:ingest:wrong', 'db:5432:*:ingest:pa\\:ss', '*:*:*:*:any'].join('\n'), { mode: 0o600 });
    expect(resolvePostgresConnection(byUrl('postgres://ingest@db/sensay'), { HOME: dir }).password?.reveal()).toBe('pa:ss');
    expect(resolvePostgresConnection(byUrl('postgres://x@elsewhere:6000/d'), { PGPASSFILE: pgpass }).password?.reveal()).toBe('any');
    chmodSync(pgpass, 0o644);
    expect(resolvePostgresConnection(byUrl('postgres://ingest@db/sensay'), { HOME: dir }).password).toBeUndefined();
  });

  it('names state.urlFile when the file is missing or holds no postgres:// URL, never echoing its content', () => {
    expect(() => resolvePostgresConnection({ kind: 'postgres', url: null, urlFile: join(dir, 'none'), retentionDays: 30 }, {})).toThrow(
      /state\.urlFile: .*none cannot be read \(no such file\)/,
    );
    const file = join(dir, 'bad');
    writeFileSync(file, 'mysql://root:topsecret@db/x');
    let message = '';
    try {
      resolvePostgresConnection({ kind: 'postgres', url: null, urlFile: file, retentionDays: 30 }, {});
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/state\.urlFile: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).not.toContain('topsecret');
  });
});
