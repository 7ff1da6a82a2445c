/**
 * Validates a parsed config document (no file I/O): drops "$comment" annotations, applies the
 * schema and SENSAY_API_URL, resolves paths, and returns a deeply frozen LoadedConfig.
 * Throws ConfigError('CONFIG_INVALID') listing every problem found, not just the first.
 */
import { dirname, resolve } from 'node:path';
import { type Env, readApiUrlOverride } from './environment.js';
import { ConfigError } from './errors.js';
import { formatIssues } from './format-issues.js';
import { resolveConfig } from './resolve-config.js';
import { configFileSchema } from './schema.js';
import type { LoadedConfig } from './types.js';

export const COMMENT_KEY = '$comment';

export interface ParseConfigOptions {
  /** Where the document came from; relative paths in it resolve against its folder. */
  configPath: string;
  /** Defaults to process.env. */
  env?: Env | undefined;
}

export function parseConfig(document: unknown, options: ParseConfigOptions): LoadedConfig {
  const configPath = resolve(options.configPath);
  const configDir = dirname(configPath);
  const input = withoutComments(document);
  const issues: string[] = [];

  const override = readApiUrlOverride(options.env ?? process.env);
  if (!override.ok) issues.push(override.issue);
  const parsed = configFileSchema.safeParse(input);
  if (!parsed.success) issues.push(...formatIssues(parsed.error.issues, input, configFileSchema));
  if (!parsed.success || !override.ok) throw invalid(configPath, issues);

  const resolved = resolveConfig(parsed.data, configDir, override.url);
  if (!resolved.ok) throw invalid(configPath, resolved.issues);
  return deepFreeze({ ...resolved.config, configPath, configDir });
}

function invalid(configPath: string, issues: readonly string[]): ConfigError {
  return new ConfigError({
    code: 'CONFIG_INVALID',
    summary: `Invalid configuration in ${configPath}`,
    issues,
    configPath,
  });
}

/** A copy without "$comment" keys at any depth. Built with fromEntries so "__proto__" stays data. */
export function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== COMMENT_KEY)
      .map(([key, inner]) => [key, withoutComments(inner)]),
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
