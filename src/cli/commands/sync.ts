import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { systemClock } from '../../clock/clock.js';
import { ConfigError } from '../../config/errors.js';
import type { LoadedConfig } from '../../config/types.js';
import { createEngine } from '../../engine/create-engine.js';
import { documentTotals, problemDocuments } from '../../engine/document-totals.js';
import { runSync, type SyncRunResult } from '../../engine/sync-run.js';
import { runSyncPass } from '../../engine/sync-pass.js';
import { createExtractorPool } from '../../extractors/pool.js';
import { poolOptionsFromConfig } from '../../extractors/pool-options.js';
import { AUTH_CODES, UNREACHABLE_CODES } from '../../sensay/errors.js';
import { openSqliteStore, type SqliteStore } from '../../store/index.js';
import { leaseOwnerId } from '../../uploader/index.js';
import { createApiClient } from '../api-client.js';
import { openCommandContext } from '../command-context.js';
import { describeError } from '../error-exit.js';
import { ExitCode } from '../io.js';
import type { CliContext } from '../main.js';
import { dryRunJson, iso, presentDryRun, presentSync, type SyncJson } from '../present/sync-report.js';

export type SyncFlags = { config?: string; dryRun?: boolean; wait?: boolean; maxWait?: string; json?: boolean };

/**
 * `sync`: reconcile, scan, extract, plan, upload what the budget allows, poll once, report.
 * With --wait it carries on until every document is terminal; --dry-run writes nothing.
 */
export async function runSyncCommand(flags: SyncFlags, ctx: CliContext): Promise<number> {
  const maxWaitMs = parseMaxWait(flags.maxWait);
  if (maxWaitMs === 'invalid') {
    ctx.io.err(`sync: --max-wait expects a number of seconds > 0, got "${flags.maxWait}"`);
    return ExitCode.USAGE;
  }
  const { config, secret, log } = openCommandContext(flags, ctx);
  if (flags.dryRun) return dryRun(config, log, flags, ctx);
  if (!secret) {
    throw new ConfigError({
      code: 'SECRET_MISSING',
      summary: 'No organisation secret.',
      issues: ['set SENSAY_ORGANIZATION_SECRET, or point api.organizationSecretFile at a file holding the secret'],
    });
  }

  const store = await openSqliteStore({ path: config.state, log });
  const engine = createEngine({
    clock: systemClock,
    store,
    api: createApiClient(config, secret, log),
    extractor: createExtractorPool({ ...poolOptionsFromConfig(config), log }),
    log,
    config,
    owner: leaseOwnerId(),
  });
  try {
    const result = await runSync(engine, systemClock, {
      wait: Boolean(flags.wait),
      pollIntervalMs: config.status.pollIntervalSeconds * 1000,
      ...(maxWaitMs !== undefined && { maxWaitMs }),
      ...(ctx.stopSignal && { signal: ctx.stopSignal }),
    });
    const report = await syncJson(result, store);
    presentSync(report, { json: Boolean(flags.json) }, ctx.io);
    if (result.error) ctx.io.err(describeError(result.error));
    return exitCode(result, report);
  } finally {
    await engine.close();
  }
}

async function dryRun(config: LoadedConfig, log: Logger, flags: SyncFlags, ctx: CliContext): Promise<number> {
  // A dry run never creates the state file: with none yet, every file is simply new.
  let store: SqliteStore | null = null;
  if (config.state !== ':memory:' && existsSync(config.state)) store = await openSqliteStore({ path: config.state, log });
  const pool = createExtractorPool({ ...poolOptionsFromConfig(config), log });
  try {
    const report = await runSyncPass({ clock: systemClock, store, extractor: pool, log, config }, { dryRun: true });
    const eta = report.eta ?? { uploads: 0, firstSlotAt: null, lastSlotAt: null };
    presentDryRun(dryRunJson(report.plan, eta, report.held, report.scanProblems), { json: Boolean(flags.json) }, ctx.io);
    const known = store ? await problemDocuments(store) : { rejected: [], failed: [] };
    const problems = report.rejected.length + known.rejected.length + known.failed.length;
    return problems > 0 ? ExitCode.DOCUMENT_PROBLEM : ExitCode.OK;
  } finally {
    await pool.close();
    await store?.close();
  }
}

async function syncJson(result: SyncRunResult, store: SqliteStore): Promise<SyncJson> {
  const { summary } = result;
  const problems = await problemDocuments(store);
  return {
    documents: documentTotals(summary.documents),
    thisRun: {
      uploaded: result.jobs.uploaded,
      recreated: result.polls.recreatesQueued,
      deleted: result.jobs.deleted,
      renamed: result.jobs.renamed,
    },
    rejected: problems.rejected.map((r) => ({ path: r.path, source: r.source, reason: r.reason, detail: r.detail })),
    failed: problems.failed.map((f) => ({ path: f.path, source: f.source, error: f.error })),
    nextUploadAt: iso(summary.nextUploadAt),
    stoppedBy: result.stoppedBy,
    budget: { limit: summary.budget.limit, used: summary.budget.used, remaining: summary.budget.remaining },
    held: [...result.pass.held],
    scanProblems: [...result.pass.scanProblems],
  };
}

function exitCode(result: SyncRunResult, report: SyncJson): number {
  if (result.error && AUTH_CODES.has(result.error.code)) return ExitCode.AUTH;
  if (result.error && UNREACHABLE_CODES.has(result.error.code)) return ExitCode.UNREACHABLE;
  if (result.stoppedBy === 'auth') return ExitCode.AUTH;
  if (result.stoppedBy === 'unreachable') return ExitCode.UNREACHABLE;
  return report.documents.failed + report.documents.rejected > 0 ? ExitCode.DOCUMENT_PROBLEM : ExitCode.OK;
}

function parseMaxWait(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || value.trim() === '') return 'invalid';
  return seconds * 1000;
}
