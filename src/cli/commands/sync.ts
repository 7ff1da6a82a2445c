import type { Logger } from 'pino';
import { systemClock } from '../../clock/clock.js';
import type { LoadedConfig } from '../../config/types.js';
import { problemDocuments } from '../../engine/document-totals.js';
import { runSync, type SyncRunResult } from '../../engine/sync-run.js';
import { runSyncPass } from '../../engine/sync-pass.js';
import { createExtractorPool } from '../../extractors/pool.js';
import { poolOptionsFromConfig } from '../../extractors/pool-options.js';
import { AUTH_CODES, UNREACHABLE_CODES } from '../../sensay/errors.js';
import { openEngine } from '../open-engine.js';
import { openStateSnapshot } from '../open-state.js';
import { createApiClient } from '../api-client.js';
import type { Secret } from '../../config/secret.js';
import { previewAdoption } from '../../engine/adoption-preview.js';
import type { SensayClient } from '../../sensay/client.js';
import { adoptionJson } from '../present/sync-report.js';
import { openCommandContext, requireSecret } from '../command-context.js';
import { describeError } from '../error-exit.js';
import { ExitCode } from '../io.js';
import type { CliContext } from '../main.js';
import { followDocuments, NOT_FOLLOWING } from '../present/document-follower.js';
import { terminalViews } from '../present/terminal-views.js';
import { buildSyncJson, dryRunJson, presentDryRun, presentSync, type SyncJson } from '../present/sync-report.js';

export type SyncFlags = { config?: string; dryRun?: boolean; wait?: boolean; maxWait?: string; json?: boolean; quiet?: boolean; verbose?: boolean };

/**
 * `sync`: reconcile, scan, extract, plan, upload what the budget allows, poll once, report.
 * With --wait it carries on until every document of this host's sources is terminal; --dry-run writes nothing.
 */
export async function runSyncCommand(flags: SyncFlags, ctx: CliContext): Promise<number> {
  if (flags.maxWait !== undefined && !flags.wait) {
    ctx.io.err('sync: --max-wait only applies with --wait (how long to keep waiting); add --wait, or drop --max-wait');
    return ExitCode.USAGE;
  }
  const maxWaitMs = parseMaxWait(flags.maxWait);
  if (maxWaitMs === 'invalid') {
    ctx.io.err(`sync: --max-wait expects a number of seconds > 0, got "${flags.maxWait}"`);
    return ExitCode.USAGE;
  }
  const { config, secret: maybeSecret, log } = openCommandContext(flags, ctx);
  if (flags.dryRun) return dryRun(config, log, flags, ctx, maybeSecret);
  const secret = requireSecret(maybeSecret);

  const { engine, store, clock } = await openEngine(config, secret, log, { env: ctx.env });
  const lines = terminalViews({ stdoutIsTTY: ctx.io.isTTY, ...flags }).documentLines;
  const follower = lines ? await followDocuments(ctx.io, () => store.listDocuments(), clock) : NOT_FOLLOWING;
  try {
    const result = await runSync(engine, clock, {
      wait: Boolean(flags.wait),
      pollIntervalMs: config.status.pollIntervalSeconds * 1000,
      ...(maxWaitMs !== undefined && { maxWaitMs }),
      ...(ctx.stopSignal && { signal: ctx.stopSignal }),
    });
    await follower.stop();
    const report = await buildSyncJson(result, store);
    presentSync(report, { json: Boolean(flags.json) }, ctx.io);
    if (result.error) ctx.io.err(describeError(result.error));
    return exitCode(result, report);
  } finally {
    await follower.stop();
    await engine.close();
  }
}

async function dryRun(config: LoadedConfig, log: Logger, flags: SyncFlags, ctx: CliContext, secret: Secret | undefined): Promise<number> {
  // A dry run never creates, migrates or writes the state file: it plans on a private in-memory
  // copy (none yet: every file is simply new).
  const store = await openStateSnapshot(config.state, ctx.env, log);
  const pool = createExtractorPool({ ...poolOptionsFromConfig(config), log });
  try {
    const signal = ctx.stopSignal;
    const report = await runSyncPass({ clock: systemClock, store, extractor: pool, log, config }, { dryRun: true, settle: 'wait', ...(signal && { signal }) });
    const eta = report.eta ?? { uploads: 0, firstSlotAt: null, lastSlotAt: null };
    // Reads only (GET): the credentials check and what a real run would adopt. No secret: not checked.
    const adoption = secret ? await withClient(config, secret, log, (api) => previewAdoption({ api, store, sources: config.sources, extractor: pool }, report.plan)) : null;
    const json = dryRunJson(report.plan, eta, report.held, report.scanProblems, report.settlingFiles, report.unprocessed);
    presentDryRun({ ...json, ...adoptionJson(adoption) }, { json: Boolean(flags.json) }, ctx.io);
    const known = store ? await problemDocuments(store) : { rejected: [], failed: [] };
    const problems = report.rejected.length + known.rejected.length + known.failed.length;
    if (report.unprocessed.length > 0) return ExitCode.INCOMPLETE;
    return problems > 0 ? ExitCode.DOCUMENT_PROBLEM : ExitCode.OK;
  } finally {
    await pool.close();
    await store?.close();
  }
}

async function withClient<T>(config: LoadedConfig, secret: Secret, log: Logger, use: (api: SensayClient) => Promise<T>): Promise<T> {
  const api = createApiClient(config, secret, log);
  try {
    return await use(api);
  } finally {
    await api.close();
  }
}

function exitCode(result: SyncRunResult, report: SyncJson): number {
  if (result.error && AUTH_CODES.has(result.error.code)) return ExitCode.AUTH;
  if (result.error && UNREACHABLE_CODES.has(result.error.code)) return ExitCode.UNREACHABLE;
  if (result.stoppedBy === 'config' || result.error?.code === 'UNEXPECTED_REDIRECT') return ExitCode.USAGE;
  if (result.stoppedBy === 'auth') return ExitCode.AUTH;
  if (result.stoppedBy === 'unreachable') return ExitCode.UNREACHABLE;
  // Files left unread for a fault of this host: the run did not do its job, whatever else it did.
  if (report.unprocessed.length > 0) return ExitCode.INCOMPLETE;
  return report.documents.failed + report.documents.rejected > 0 ? ExitCode.DOCUMENT_PROBLEM : ExitCode.OK;
}

function parseMaxWait(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || value.trim() === '') return 'invalid';
  return seconds * 1000;
}
