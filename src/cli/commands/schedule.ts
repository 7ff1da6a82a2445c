import type { Logger } from 'pino';
import { systemClock } from '../../clock/clock.js';
import { type Engine } from '../../engine/create-engine.js';
import { clockTicks, parseCron, runSchedule, type RunVerdict, type ScheduleReport, type SkippedTick } from '../../engine/scheduler.js';
import { runSync, type SyncRunResult } from '../../engine/sync-run.js';
import { AUTH_CODES, SensayApiError } from '../../sensay/errors.js';
import { type Store } from '../../store/index.js';
import { openEngine } from '../open-engine.js';
import { openCommandContext, requireSecret } from '../command-context.js';
import { describeError } from '../error-exit.js';
import { ExitCode, type CliIo } from '../io.js';
import type { CliContext } from '../main.js';
import { buildSyncJson, type SyncJson } from '../present/sync-report.js';

export type ScheduleFlags = { config?: string; cron?: string; json?: boolean; quiet?: boolean; verbose?: boolean };

const SHOWN_NEXT_RUNS = 3;

/**
 * `schedule --cron EXPR`: the `sync` run on a cron expression, for hosts without cron. Runs
 * never overlap (a tick during a run is skipped and logged); a failed run is logged and the
 * schedule carries on; an authentication failure stops it (exit 3); SIGINT/SIGTERM abandon the
 * run in hand safely and exit 0. With --json, stdout carries one JSON object per line (NDJSON).
 */
export async function runScheduleCommand(flags: ScheduleFlags, ctx: CliContext): Promise<number> {
  if (flags.cron === undefined) {
    ctx.io.err('schedule: --cron is required, e.g. --cron "*/15 * * * *" (every 15 minutes)');
    return ExitCode.USAGE;
  }
  const parsed = parseCron(flags.cron, systemClock.now());
  if (!parsed.ok) {
    ctx.io.err(`schedule: --cron "${flags.cron}" is not a usable cron expression: ${parsed.detail}`);
    return ExitCode.USAGE;
  }
  const { config, secret: maybeSecret, log } = openCommandContext(flags, ctx);
  const secret = requireSecret(maybeSecret);
  const json = Boolean(flags.json);
  const { engine, store } = await openEngine(config, secret, log, { env: ctx.env });
  try {
    const nextRuns = parsed.schedule.nextRuns(systemClock.now(), SHOWN_NEXT_RUNS).map((at) => new Date(at).toISOString());
    emit(ctx.io, json, { event: 'schedule', cron: flags.cron, nextRuns }, () =>
      `schedule   "${flags.cron}" (local time); next runs ${nextRuns.join(', ')}`,
    );
    log.info({ cron: flags.cron, nextRuns }, 'schedule started');
    const run = (signal: AbortSignal, n: number) =>
      scheduledRun({ engine, store, log, io: ctx.io, json, pollIntervalMs: config.status.pollIntervalSeconds * 1000 }, signal, n);
    const report = await runSchedule(
      {
        clock: systemClock,
        log,
        ticks: clockTicks(parsed.schedule, systemClock),
        run,
        onSkip: (tick) => presentSkip(tick, json, ctx.io),
      },
      ctx.stopSignal ?? new AbortController().signal,
    );
    presentStop(report, json, ctx.io);
    log.info({ ...report }, 'schedule stopped');
    if (report.stoppedBy !== 'run') return ExitCode.OK;
    return report.reason === 'UNEXPECTED_REDIRECT' ? ExitCode.USAGE : ExitCode.AUTH;
  } finally {
    await engine.close();
  }
}

interface RunDeps {
  readonly engine: Engine;
  readonly store: Store;
  readonly log: Logger;
  readonly io: CliIo;
  readonly json: boolean;
  readonly pollIntervalMs: number;
}

/** One sync run (what `sync` without --wait does); decides whether the schedule carries on. */
async function scheduledRun(deps: RunDeps, signal: AbortSignal, n: number): Promise<RunVerdict> {
  const { io, json, log } = deps;
  let result: SyncRunResult;
  try {
    result = await runSync(deps.engine, systemClock, { wait: false, pollIntervalMs: deps.pollIntervalMs, signal });
  } catch (error) {
    if (signal.aborted) return { next: 'continue' };
    if (isAuthError(error)) return stopForAuth(error, io);
    const detail = error instanceof SensayApiError ? `${error.code}: ${error.message}` : String(error);
    emit(io, json, { event: 'run-failed', run: n, error: detail }, () => `${`run ${n}`.padEnd(11)}failed (${detail}); the next tick tries again`);
    // Thrown on to the scheduler, which logs it and carries on.
    throw error;
  }
  const summary = await buildSyncJson(result, deps.store);
  log.info({ run: n, ...summary }, 'scheduled run summary');
  emit(io, json, { event: 'run', run: n, ...summary }, () => runLine(n, summary));
  if (!json) for (const file of summary.settling.paths) io.out(`${''.padEnd(11)}settling ${file.path} (source ${file.source}): still being written; the next tick takes it`);
  if (result.stoppedBy === 'auth' || (result.error && AUTH_CODES.has(result.error.code))) return stopForAuth(result.error, io);
  if (result.stoppedBy === 'config' && result.error) {
    // A redirecting API (a wrong api.baseUrl) will not get better at the next tick.
    io.err(`${describeError(result.error)}\nschedule stopped: fix api.baseUrl`);
    return { next: 'stop', reason: result.error.code };
  }
  if (result.stoppedBy === 'unreachable') {
    log.warn({ run: n, err: result.error?.toLogFields() }, 'the API was unreachable; the next tick tries again');
  }
  return { next: 'continue' };
}

function isAuthError(error: unknown): error is SensayApiError {
  return error instanceof SensayApiError && AUTH_CODES.has(error.code);
}

function stopForAuth(error: SensayApiError | undefined, io: CliIo): RunVerdict {
  const detail = error ? describeError(error) : 'authentication or permission error';
  io.err(`${detail}\nschedule stopped: check the organisation secret`);
  return { next: 'stop', reason: error?.code ?? 'AUTH' };
}


function emit(io: CliIo, json: boolean, record: Record<string, unknown>, human: () => string): void {
  io.out(json ? JSON.stringify(record) : human());
}

function runLine(n: number, s: SyncJson): string {
  const d = s.documents;
  const t = s.thisRun;
  return (
    `run ${n}`.padEnd(11) +
    `uploaded ${t.uploaded} · recreated ${t.recreated} · deleted ${t.deleted} · renamed ${t.renamed} | ` +
    `ready ${d.ready} · processing ${d.processing} · queued ${d.queued} · failed ${d.failed} · rejected ${d.rejected} | ` +
    `budget ${s.budget.remaining}/${s.budget.limit}${s.nextUploadAt ? ` · next upload ${s.nextUploadAt}` : ''}`
  );
}

function presentSkip(tick: SkippedTick, json: boolean, io: CliIo): void {
  const at = new Date(tick.at).toISOString();
  const since = new Date(tick.runningSince).toISOString();
  emit(io, json, { event: 'skipped', at, run: tick.run, runningSince: since }, () =>
    `skipped    tick at ${at}: run ${tick.run} still going (since ${since})`,
  );
}

function presentStop(report: ScheduleReport, json: boolean, io: CliIo): void {
  emit(io, json, { event: 'stopped', ...report }, () => {
    const why = report.stoppedBy === 'run' ? `stopped by ${report.reason ?? 'a run'}` : report.stoppedBy === 'ended' ? 'no run time left' : 'asked to stop';
    return `stopped    ${why} after ${report.runs} run${report.runs === 1 ? '' : 's'} (${report.skipped} tick${report.skipped === 1 ? '' : 's'} skipped, ${report.failed} failed)`;
  });
}
