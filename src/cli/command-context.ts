import type { Logger } from 'pino';
import { loadConfig } from '../config/load-config.js';
import type { LoadedConfig } from '../config/types.js';
import { resolveSecret, readLogLevel, type Secret } from '../config/secret.js';
import { ConfigError } from '../config/errors.js';
import { createRootLogger } from './logger.js';
import { prettyLogsFor } from './log-format.js';
import type { CliContext } from './main.js';

export type CommandContext = {
  config: LoadedConfig;
  secret: Secret | undefined;
  log: Logger;
};

/** Loads the config named by --config, else $SENSAY_INGEST_CONFIG, else the default path. */
export function loadCommandConfig(flagPath: string | undefined, ctx: CliContext): LoadedConfig {
  return loadConfig({ path: flagPath, env: ctx.env, cwd: ctx.cwd });
}

/**
 * Everything a command that talks to the API needs, made once at the edge:
 * the validated config, the secret (if any) and the one root logger, which redacts the secret.
 */
export function openCommandContext(
  flags: { config?: string; verbose?: boolean; quiet?: boolean },
  ctx: CliContext,
  options: { secretOverride?: Secret } = {},
): CommandContext {
  const config = loadCommandConfig(flags.config, ctx);
  const warnings: string[] = [];
  const secret = options.secretOverride ?? resolveSecret(config, ctx.env, (message) => warnings.push(message));
  const level = flags.verbose ? 'debug' : flags.quiet ? 'warn' : readLogLevel(ctx.env);
  const log = createRootLogger({
    level,
    pretty: prettyLogsFor(ctx.logFormat),
    secrets: secret ? [secret.reveal()] : [],
  });
  for (const message of warnings) log.warn(message);
  return { config, secret, log };
}

/** Commands that talk to the API cannot run without the secret; the message says how to give it. */
export function requireSecret(secret: Secret | undefined): Secret {
  if (secret) return secret;
  throw new ConfigError({
    code: 'SECRET_MISSING',
    summary: 'No organisation secret.',
    issues: ['set SENSAY_ORGANIZATION_SECRET, or point api.organizationSecretFile at a file holding the secret'],
  });
}
