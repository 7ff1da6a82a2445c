/**
 * Where a PostgreSQL state's password comes from (DECISIONS "Passwords never in argv"): the
 * whole URL in `state.urlFile`, else PGPASSWORD, else ~/.pgpass (or PGPASSFILE), matched on
 * host, port, database and user as libpq does. The URL the rest of the program sees never holds
 * it; the password travels as a Secret, revealed only to the server that asks for it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from './environment.js';
import { ConfigError } from './errors.js';
import { postgresUrlIssues } from './resolve-config.js';
import { Secret } from './secret.js';
import type { PostgresStateConfig } from './types.js';

export const ENV_PGPASSWORD = 'PGPASSWORD';
export const ENV_PGPASSFILE = 'PGPASSFILE';

export interface PostgresConnection {
  /** The URL without a password: safe to log. */
  readonly url: string;
  readonly password: Secret | undefined;
}

export function resolvePostgresConnection(state: PostgresStateConfig, env: Env): PostgresConnection {
  const full = state.urlFile === null ? state.url : readUrlFile(state.urlFile);
  if (full === null) throw invalid('state: give "url" or "urlFile" for a PostgreSQL state');
  const parsed = new URL(full);
  const fromFile = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  parsed.password = '';
  const url = parsed.toString();
  const password = fromFile ?? present(env[ENV_PGPASSWORD]) ?? fromPgpass(parsed, env);
  return { url, password: password === undefined ? undefined : new Secret(password) };
}

function readUrlFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw invalid(`state.urlFile: ${file} cannot be read (${code === 'ENOENT' ? 'no such file' : code}); write the postgres:// URL, password included, into it`);
  }
  // The file may hold a password; its problems are named without echoing its content.
  const issues = postgresUrlIssues('state.urlFile', text).filter((issue) => !issue.includes('holds a password'));
  if (issues.length > 0) throw invalid(`${issues.join('; ')} (in ${file})`);
  return text;
}

/** libpq's ~/.pgpass: `host:port:database:user:password`, `*` matches anything, `\` escapes. */
function fromPgpass(url: URL, env: Env): string | undefined {
  const file = present(env[ENV_PGPASSFILE]) ?? (env.HOME ? join(env.HOME, '.pgpass') : undefined);
  if (file === undefined) return undefined;
  let text: string;
  try {
    // libpq ignores a password file others can read; so do we.
    if ((statSync(file).mode & 0o077) !== 0 && process.platform !== 'win32') return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = [
    url.hostname || 'localhost',
    url.port || '5432',
    decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username),
    decodeURIComponent(url.username) || (env.USER ?? ''),
  ];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = splitPgpassLine(line);
    if (fields.length < 5) continue;
    if (wanted.every((value, index) => fields[index] === '*' || fields[index] === value)) return fields.slice(4).join(':');
  }
  return undefined;
}

function splitPgpassLine(line: string): string[] {
  const fields: string[] = [''];
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? '';
    if (char === '\\' && i + 1 < line.length) fields[fields.length - 1] += line[++i] ?? '';
    else if (char === ':') fields.push('');
    else fields[fields.length - 1] += char;
  }
  return fields;
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function invalid(issue: string): ConfigError {
  return new ConfigError({ code: 'CONFIG_INVALID', summary: 'Cannot use the PostgreSQL state', issues: [issue] });
}
