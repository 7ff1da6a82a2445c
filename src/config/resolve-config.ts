/**
 * From what the file says to what the program uses: paths made absolute against the config
 * file's folder, source names defaulted, and the checks that span several sources.
 * Pure apart from node:path arithmetic.
 */
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { DEFAULT_STATE, POSTGRES_URL, type ConfigFile } from './schema.js';
import { resolveUpdateMode } from './source-update.js';
import { isLoopbackHost } from './loopback.js';
import type { Config, SourceConfig, StateConfig } from './types.js';

/** SQLite's in-memory database name passes through untouched. */
const IN_MEMORY = ':memory:';

export function resolveConfig(
  file: ConfigFile,
  configDir: string,
  baseUrlOverride: string | undefined,
): { ok: true; config: Config } | { ok: false; issues: string[] } {
  const sources = file.sources.map((source): SourceConfig => {
    const path = resolve(configDir, source.path);
    return { ...source, path, name: source.name ?? (basename(path) || path), update: resolveUpdateMode(source).mode };
  });
  const issues = [
    ...stateIssues(file.state),
    ...(file.state.url !== undefined || file.state.urlFile !== undefined ? unnamedSources(file.sources) : []),
    ...file.sources.flatMap((source, index) => resolveUpdateMode(source, index).issues),
    ...sourceConflicts(sources, file.sources.map((source) => source.name !== undefined)),
    ...daemonIssues(file.daemon),
  ];
  if (issues.length > 0) return { ok: false, issues };
  const secretFile = file.api.organizationSecretFile;
  return {
    ok: true,
    config: {
      ...file,
      api: {
        ...file.api,
        baseUrl: baseUrlOverride ?? file.api.baseUrl,
        organizationSecretFile: secretFile === null ? null : resolve(configDir, secretFile),
      },
      daemon: { ...file.daemon, tokenFile: file.daemon.tokenFile === null ? null : resolve(configDir, file.daemon.tokenFile) },
      state: resolveState(file.state, configDir),
      host: { name: file.host.name ?? hostname(), sourceLeaseSeconds: file.host.sourceLeaseSeconds },
      sources,
    },
  };
}

/** Off loopback, the console and /metrics are reachable from the network: a token must guard them. */
function daemonIssues(daemon: ConfigFile['daemon']): string[] {
  if (daemon.port === 0 || isLoopbackHost(daemon.host) || daemon.tokenFile !== null) return [];
  return [
    `daemon.tokenFile: required when daemon.host is not a loopback address (got "${daemon.host}"); ` +
      'write a long random token into a file only you can read (e.g. `openssl rand -hex 32 > console.token; chmod 600 console.token`) and name it here, or bind daemon.host to 127.0.0.1',
  ];
}

function resolveState(state: ConfigFile['state'], configDir: string): StateConfig {
  if (state.url !== undefined || state.urlFile !== undefined) {
    const urlFile = state.urlFile === undefined ? null : resolve(configDir, state.urlFile);
    return { kind: 'postgres', url: state.url ?? null, urlFile, retentionDays: state.retentionDays };
  }
  const path = state.path ?? DEFAULT_STATE;
  return { path: path === IN_MEMORY ? IN_MEMORY : resolve(configDir, path), retentionDays: state.retentionDays };
}

/** A postgres:// URL in the config is visible to anyone who reads the file or `ps`: it carries no password. */
function stateIssues(state: ConfigFile['state']): string[] {
  const issues: string[] = [];
  const given = [state.path, state.url, state.urlFile].filter((value) => value !== undefined).length;
  if (given > 1) issues.push('state: give one of "path" (SQLite), "url" or "urlFile" (PostgreSQL), not several');
  if (state.url !== undefined) issues.push(...postgresUrlIssues('state.url', state.url));
  return issues;
}

/** What is wrong with a postgres:// URL given in the config or on the command line (never echoed). */
export function postgresUrlIssues(key: string, url: string): string[] {
  if (!POSTGRES_URL.test(url)) return [`${key}: expected a postgres:// or postgresql:// URL`];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`${key}: expected a postgres:// URL such as postgres://ingest@db.example:5432/sensay (this one does not parse)`];
  }
  if (parsed.password !== '') {
    return [
      `${key}: the URL holds a password, which must not be written in the config or given on the command line ` +
        '(anyone who can read the file or run `ps` would see it); remove it from the URL and put the whole URL, ' +
        'password included, in a file named by "state.urlFile" (mode 600), or set PGPASSWORD, or use ~/.pgpass',
    ];
  }
  return [];
}

/** With PostgreSQL a source's name is its identity across hosts: no folder-name default (two `docs` would collide). */
function unnamedSources(sources: ConfigFile['sources']): string[] {
  return sources.flatMap((source, index) =>
    source.name === undefined
      ? [`sources[${index}].name: required with a PostgreSQL state (names must be unique across every host sharing it); add e.g. "name": "${basename(source.path) || 'docs'}-<host>"`]
      : [],
  );
}

function sourceConflicts(sources: readonly SourceConfig[], namedExplicitly: readonly boolean[]): string[] {
  const issues: string[] = [];
  const byName = new Map<string, number>();
  const byPath = new Map<string, number>();
  sources.forEach((source, index) => {
    const nameOwner = byName.get(source.name);
    if (nameOwner === undefined) {
      byName.set(source.name, index);
    } else {
      const origin = namedExplicitly[index] ? '' : ' (taken from the folder name)';
      issues.push(
        `sources[${index}].name: "${source.name}"${origin} is already the name of sources[${nameOwner}]; ` +
          'give each source a unique "name"',
      );
    }
    const pathOwner = byPath.get(source.path);
    if (pathOwner === undefined) {
      byPath.set(source.path, index);
    } else {
      issues.push(
        `sources[${index}].path: "${source.path}" is the same folder as sources[${pathOwner}].path; ` +
          'list each folder once (split it with include/exclude patterns if needed)',
      );
    }
  });
  return issues;
}
