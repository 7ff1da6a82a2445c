import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

const UUID = '00000000-0000-4000-8000-000000000001';
const DIR = '/srv/ingest';
const configPath = join(DIR, 'sensay-ingest.config.json');
const withState = (state: unknown) => ({ state, sources: [{ path: 'docs', replicaUUID: UUID }] });
const parse = (document: unknown) => parseConfig(document, { configPath, env: {} });

function issuesOf(document: unknown): string[] {
  try {
    parse(document);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

describe('config: the state key', () => {
  it('defaults to .sensay-ingest/state.db with 30 days of history', () => {
    const config = parse({ sources: [{ path: 'docs', replicaUUID: UUID }] });
    expect(config.state).toEqual({ path: join(DIR, '.sensay-ingest/state.db'), retentionDays: 30 });
  });

  it('takes a string as the SQLite path (the shorthand), resolved against the config folder', () => {
    expect(parse(withState('var/state.db')).state).toEqual({ path: join(DIR, 'var/state.db'), retentionDays: 30 });
    expect(parse(withState(':memory:')).state).toMatchObject({ path: ':memory:' });
  });

  it('takes an object { path, retentionDays }', () => {
    expect(parse(withState({ path: '/var/lib/sensay/state.db', retentionDays: 7 })).state).toEqual({
      path: '/var/lib/sensay/state.db',
      retentionDays: 7,
    });
    expect(parse(withState({ retentionDays: 90 })).state).toEqual({ path: join(DIR, '.sensay-ingest/state.db'), retentionDays: 90 });
  });

  it('names the key and the rule when retentionDays or the shape is wrong', () => {
    expect(issuesOf(withState({ path: 's.db', retentionDays: 0 }))).toEqual(['state.retentionDays: expected an integer >= 1, got 0']);
    expect(issuesOf(withState({ path: 's.db', retentionDays: 1.5 }))).toEqual(['state.retentionDays: expected an integer >= 1, got 1.5']);
    expect(issuesOf(withState(5))[0]).toMatch(/^state: expected a SQLite file path, a postgres:\/\/ URL, or an object/);
    expect(issuesOf(withState({ path: 's.db', retentionDay: 3 }))).toEqual(['state.retentionDay: unknown key (did you mean "retentionDays"?)']);
  });

  it('takes a postgres:// URL (string or url) or a urlFile as PostgreSQL, with named sources', () => {
    const named = (state: unknown) => ({ state, sources: [{ name: 'docs-a', path: 'docs', replicaUUID: UUID }] });
    expect(parse(named('postgres://ingest@db.internal:5433/sensay')).state).toEqual({
      kind: 'postgres',
      url: 'postgres://ingest@db.internal:5433/sensay',
      urlFile: null,
      retentionDays: 30,
    });
    expect(parse(named({ url: 'postgresql://db/sensay', retentionDays: 7 })).state).toMatchObject({ kind: 'postgres', retentionDays: 7 });
    expect(parse(named({ urlFile: 'secrets/pg-url' })).state).toEqual({
      kind: 'postgres',
      url: null,
      urlFile: join(DIR, 'secrets/pg-url'),
      retentionDays: 30,
    });
  });

  it('refuses a password in the URL, naming state.url and where the password goes, without echoing it', () => {
    const url = 'postgres://ingest:hunter2@db.internal/sensay';
    for (const state of [url, { url }]) {
      const issues = issuesOf({ state, sources: [{ name: 'a', path: 'docs', replicaUUID: UUID }] });
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^state\.url: the URL holds a password.*state\.urlFile.*PGPASSWORD.*~\/\.pgpass/);
      expect(issues.join('\n')).not.toContain('hunter2');
    }
  });

  it('requires every source to be named with PostgreSQL, and one kind of state', () => {
    expect(issuesOf(withState('postgres://db/sensay'))).toEqual([
      expect.stringMatching(/^sources\[0\]\.name: required with a PostgreSQL state/),
    ]);
    expect(issuesOf(withState({ path: 's.db', url: 'postgres://db/x' }))).toContain(
      'state: give one of "path" (SQLite), "url" or "urlFile" (PostgreSQL), not several',
    );
  });
});
