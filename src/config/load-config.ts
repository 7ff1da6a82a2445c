/**
 * Reads and validates the config file. Synchronous on purpose: it runs once, at start-up,
 * before anything else can usefully happen, and a sync read keeps every caller simple.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Env, ENV_CONFIG, readConfigPath } from './environment.js';
import { ConfigError } from './errors.js';
import { parseJson } from './json-syntax.js';
import { parseConfig } from './parse-config.js';
import type { LoadedConfig } from './types.js';

export const DEFAULT_CONFIG_FILE = 'sensay-ingest.config.json';

export interface LoadConfigOptions {
  /** From --config. Falls back to SENSAY_INGEST_CONFIG, then ./sensay-ingest.config.json. Relative to cwd. */
  path?: string | undefined;
  /** Defaults to process.env. */
  env?: Env | undefined;
  /** Defaults to process.cwd(). */
  cwd?: string | undefined;
}

/** Throws ConfigError: CONFIG_NOT_FOUND, CONFIG_UNREADABLE, CONFIG_INVALID_JSON or CONFIG_INVALID. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const configPath = resolve(options.cwd ?? process.cwd(), options.path ?? readConfigPath(env) ?? DEFAULT_CONFIG_FILE);
  const text = readConfigText(configPath, options.path === undefined && readConfigPath(env) === undefined);
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new ConfigError({
      code: 'CONFIG_INVALID_JSON',
      summary: `The configuration file ${configPath} is not valid JSON`,
      issues: [`line ${parsed.line}, column ${parsed.column}: ${parsed.problem}`],
      configPath,
    });
  }
  return parseConfig(parsed.value, { configPath, env });
}

function readConfigText(configPath: string, isDefaultPath: boolean): string {
  try {
    return readFileSync(configPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const how = isDefaultPath
        ? `pass --config <file> or set ${ENV_CONFIG}, or create ${DEFAULT_CONFIG_FILE} here`
        : 'check the path given with --config or ' + ENV_CONFIG;
      throw new ConfigError({
        code: 'CONFIG_NOT_FOUND',
        summary: `Configuration file not found: ${configPath}`,
        issues: [`${configPath}: no such file; ${how} (config/example.config.json shows every key)`],
        configPath,
      });
    }
    const reason =
      code === 'EISDIR'
        ? 'it is a folder, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (error as Error).message;
    throw new ConfigError({
      code: 'CONFIG_UNREADABLE',
      summary: `Cannot read the configuration file ${configPath}`,
      issues: [`${configPath}: cannot be read (${reason}); check it is a file this user may read`],
      configPath,
    });
  }
}
