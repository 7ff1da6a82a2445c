import type { CliContext } from '../main.js';
import { ExitCode } from '../io.js';
import { runExtract } from './extract.js';
import { createRootLogger } from '../logger.js';
import { prettyLogsFor } from '../log-format.js';
import { readLogLevel } from '../../config/environment.js';
import { poolOptionsFromConfig } from '../../extractors/pool-options.js';

type ExtractFlags = { config?: string; json?: boolean; full?: boolean };

/** Wires `extract` to its implementation, taking limits from a config only when one is named. */
export async function runExtractCommand(files: string[], flags: ExtractFlags, ctx: CliContext): Promise<number> {
  if (files.length === 0) {
    ctx.io.err('extract: name at least one file');
    return ExitCode.USAGE;
  }
  // Without --config no config is read at all, so the config schema (zod, ~0.15 s to load) is
  // imported only when one is named.
  const config = flags.config ? (await import('../command-context.js')).loadCommandConfig(flags.config, ctx) : undefined;
  const log = createRootLogger({ level: readLogLevel(ctx.env), pretty: prettyLogsFor(ctx.logFormat), secrets: [] });
  return runExtract(
    files,
    { json: Boolean(flags.json), full: Boolean(flags.full), log, ...(config ? { config: poolOptionsFromConfig(config) } : {}) },
    ctx.io,
  );
}
