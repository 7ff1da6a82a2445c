/**
 * Every environment variable sensay-ingest reads, and the only place that reads them.
 * Callers pass `process.env` (or a test's own object) in; nothing here touches `process`.
 *
 * | variable | meaning |
 * |---|---|
 * | SENSAY_ORGANIZATION_SECRET | the organisation API secret (wins over `api.organizationSecretFile`) |
 * | SENSAY_API_URL | overrides `api.baseUrl` (e.g. the local simulator) |
 * | SENSAY_INGEST_LOG_LEVEL | trace, debug, info (default), warn, error, fatal, or silent |
 * | SENSAY_INGEST_CONFIG | config file path when `--config` is not given |
 */
import { ConfigError } from './errors.js';
import { normaliseHttpUrl } from './http-url.js';

export type Env = Readonly<Record<string, string | undefined>>;

export const ENV_ORGANIZATION_SECRET = 'SENSAY_ORGANIZATION_SECRET';
export const ENV_API_URL = 'SENSAY_API_URL';
export const ENV_LOG_LEVEL = 'SENSAY_INGEST_LOG_LEVEL';
export const ENV_CONFIG = 'SENSAY_INGEST_CONFIG';

/** For `--help` and the docs: what each variable does. */
export const ENVIRONMENT_VARIABLES: readonly { readonly name: string; readonly meaning: string }[] =
  Object.freeze([
    {
      name: ENV_ORGANIZATION_SECRET,
      meaning: 'Organisation API secret. Wins over api.organizationSecretFile. Never pass it as an argument.',
    },
    { name: ENV_API_URL, meaning: 'Overrides api.baseUrl, e.g. http://127.0.0.1:8787 for the simulator.' },
    { name: ENV_LOG_LEVEL, meaning: 'Log level: trace, debug, info (default), warn, error, fatal or silent.' },
    { name: ENV_CONFIG, meaning: 'Config file to use when --config is not given.' },
  ]);

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Reads SENSAY_INGEST_LOG_LEVEL (case-insensitive); 'info' when unset. Throws ConfigError when invalid. */
export function readLogLevel(env: Env): LogLevel {
  const raw = present(env[ENV_LOG_LEVEL]);
  if (raw === undefined) return 'info';
  const level = raw.toLowerCase();
  if (isLogLevel(level)) return level;
  throw new ConfigError({
    code: 'CONFIG_INVALID',
    summary: `Invalid ${ENV_LOG_LEVEL}`,
    issues: [`${ENV_LOG_LEVEL}: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`],
  });
}

/** SENSAY_INGEST_CONFIG, when set and not blank. */
export function readConfigPath(env: Env): string | undefined {
  return present(env[ENV_CONFIG]);
}

/**
 * SENSAY_API_URL, normalised; `{ ok: true, url: undefined }` when unset.
 * An invalid value is an issue naming the variable, never silently ignored.
 */
export function readApiUrlOverride(env: Env): { ok: true; url: string | undefined } | { ok: false; issue: string } {
  const raw = present(env[ENV_API_URL]);
  if (raw === undefined) return { ok: true, url: undefined };
  const checked = normaliseHttpUrl(raw);
  if (checked.ok) return { ok: true, url: checked.url };
  return { ok: false, issue: `${ENV_API_URL}: ${checked.problem}, got ${JSON.stringify(raw)}` };
}

/** SENSAY_ORGANIZATION_SECRET, trimmed; undefined when unset or blank (`VAR= cmd` means unset). */
export function readSecretFromEnv(env: Env): string | undefined {
  return present(env[ENV_ORGANIZATION_SECRET]);
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
