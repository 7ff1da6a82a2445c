import { existsSync, statSync } from 'node:fs';
import { openSqliteStore, StoreError } from '../../store/index.js';
import type { IntegrityCheckMode, IntegrityReport } from '../../store/store.js';
import { loadCommandConfig } from '../command-context.js';
import { openState, stateLabel } from '../open-state.js';
import { ExitCode } from '../io.js';
import type { CliContext } from '../main.js';
import { corruptionAdvice, presentDoctor, type DoctorJson } from '../present/doctor-report.js';

export type DoctorFlags = { config?: string; json?: boolean; full?: boolean };

/**
 * `doctor`: the integrity check that opening the store no longer runs (it reads the whole file).
 * Exit 0 when sound or absent, 1 when damaged (the report says what to do), 2 when the config is bad.
 * Never creates the state file.
 */
export async function runDoctorCommand(flags: DoctorFlags, ctx: CliContext): Promise<number> {
  const config = loadCommandConfig(flags.config, ctx);
  const mode: IntegrityCheckMode = flags.full ? 'full' : 'quick';
  if (config.state.kind === 'postgres') return doctorPostgres(stateLabel(config.state), mode, flags, ctx);
  const path = config.state.path;
  const base: DoctorJson = { state: path, exists: false, check: null, ok: true, problems: [], sizeBytes: null, durationMs: null, advice: null };
  if (path === ':memory:' || !existsSync(path)) {
    presentDoctor(base, { json: Boolean(flags.json) }, ctx.io);
    return ExitCode.OK;
  }
  const started = performance.now();
  const report = await check(path, mode);
  const result: DoctorJson = {
    ...base,
    exists: true,
    check: mode,
    ok: report.ok,
    problems: report.problems,
    sizeBytes: statSync(path).size,
    durationMs: Math.round(performance.now() - started),
    advice: report.ok ? null : corruptionAdvice(path),
  };
  presentDoctor(result, { json: Boolean(flags.json) }, ctx.io);
  return result.ok ? ExitCode.OK : ExitCode.DOCUMENT_PROBLEM;
}

/** A file too damaged to open is a finding of the check, not a crash of the command. */
async function check(path: string, mode: IntegrityCheckMode): Promise<IntegrityReport> {
  try {
    const store = await openSqliteStore({ path });
    try {
      return await store.checkIntegrity(mode);
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof StoreError && error.code === 'STORE_CORRUPT') {
      return { ok: false, mode, problems: [error.dbCode ? `${error.dbCode}: the file cannot be read as a database` : error.message] };
    }
    throw error;
  }
}

/** PostgreSQL keeps its pages itself: the check is of the store's invariants (and, `--full`, every row read). */
async function doctorPostgres(label: string, mode: IntegrityCheckMode, flags: DoctorFlags, ctx: CliContext): Promise<number> {
  const config = loadCommandConfig(flags.config, ctx);
  const started = performance.now();
  const { store } = await openState(config.state, ctx.env);
  let report: IntegrityReport;
  try {
    report = await store.checkIntegrity(mode);
  } finally {
    await store.close();
  }
  const result: DoctorJson = {
    state: label,
    exists: true,
    check: mode,
    ok: report.ok,
    problems: report.problems,
    sizeBytes: null,
    durationMs: Math.round(performance.now() - started),
    advice: report.ok ? null : `Stop every sensay-ingest host using ${label}, then restore the database from a backup or repair the rows named above.`,
  };
  presentDoctor(result, { json: Boolean(flags.json) }, ctx.io);
  return result.ok ? ExitCode.OK : ExitCode.DOCUMENT_PROBLEM;
}
