/**
 * From what the file says to what the program uses: paths made absolute against the config
 * file's folder, source names defaulted, and the checks that span several sources.
 * Pure apart from node:path arithmetic.
 */
import { basename, resolve } from 'node:path';
import { DEFAULT_STATE, type ConfigFile } from './schema.js';
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
  const path = state.path ?? DEFAULT_STATE;
  return { path: path === IN_MEMORY ? IN_MEMORY : resolve(configDir, path), retentionDays: state.retentionDays };
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** PostgreSQL state comes with issue 10; until then it is refused by name (the URL is never echoed). */
function stateIssues(state: ConfigFile['state']): string[] {
  const postgres = 'PostgreSQL state is not available yet (issue 10); point "state" at a SQLite file path';
  const issues: string[] = [];
  if (state.url !== undefined || (state.path !== undefined && POSTGRES_URL.test(state.path))) issues.push(`state.url: ${postgres}`);
  if (state.urlFile !== undefined) issues.push(`state.urlFile: ${postgres}`);
  if (state.path !== undefined && (state.url !== undefined || state.urlFile !== undefined)) {
    issues.push('state: give either "path" (SQLite) or "url"/"urlFile" (PostgreSQL), not both');
  }
  return issues;
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
