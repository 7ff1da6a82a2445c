import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { resolvePostgresConnection } from '../../config/postgres-connection.js';
import { postgresUrlIssues } from '../../config/resolve-config.js';
import type { PostgresStateConfig } from '../../config/types.js';
import { openSqliteStore } from '../../store/index.js';
import { importSqliteState, targetRowCounts, type CopyCounts } from '../../store/postgres/import-sqlite.js';
import { openPostgresStore } from '../../store/postgres/open-postgres-store.js';
import { describeTarget } from '../../store/postgres/pg-database.js';
import { loadCommandConfig } from '../command-context.js';
import { ExitCode, type CliIo } from '../io.js';
import type { CliContext } from '../main.js';

export type StateCopyFlags = { from?: string; to?: string; toConfig?: string; replace?: boolean; json?: boolean };

/** `state copy --json`. */
export interface StateCopyJson {
  from: string;
  to: string;
  copied: CopyCounts;
}

/**
 * `state copy --from <sqlite file> --to postgres://… | --to-config FILE`: moves a single-host
 * state into PostgreSQL, ids and all, so nothing is uploaded again. Refuses a target that holds
 * anything unless `--replace`. The URL on the command line never holds a password (it would
 * show in `ps`): it comes from PGPASSWORD, ~/.pgpass, or the target config's `state.urlFile`.
 */
export async function runStateCopyCommand(flags: StateCopyFlags, ctx: CliContext): Promise<number> {
  const problem = flagProblem(flags);
  if (problem) return usage(ctx.io, problem);
  const from = resolve(ctx.cwd, flags.from ?? '');
  if (!existsSync(from)) return usage(ctx.io, `--from ${from}: no such state file`);
  const state = targetState(flags, ctx);
  if (typeof state === 'string') return usage(ctx.io, state);
  const connection = resolvePostgresConnection(state, ctx.env);
  const to = describeTarget(connection.url);
  const source = await openSqliteStore({ path: from });
  try {
    const target = await openPostgresStore({ url: connection.url, password: connection.password });
    try {
      const held = Object.entries(await targetRowCounts(target.database)).filter(([, n]) => n > 0);
      if (held.length > 0 && !flags.replace) {
        const what = held.map(([table, n]) => `${table}: ${n}`).join(', ');
        ctx.io.err(`state copy: ${to} is not empty (${what}); add --replace to delete what it holds and copy over it`);
        return ExitCode.USAGE;
      }
      const copied = await importSqliteState(source.database, join(dirname(from), 'texts'), target.database, { replace: Boolean(flags.replace) });
      present({ from, to, copied }, Boolean(flags.json), ctx.io);
      return ExitCode.OK;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

function flagProblem(flags: StateCopyFlags): string | null {
  if (flags.from === undefined) return '--from <sqlite state file> is required';
  if ((flags.to === undefined) === (flags.toConfig === undefined)) return 'give exactly one of --to postgres://… and --to-config FILE';
  if (flags.to !== undefined) return postgresUrlIssues('--to', flags.to)[0] ?? null;
  return null;
}

function targetState(flags: StateCopyFlags, ctx: CliContext): PostgresStateConfig | string {
  if (flags.to !== undefined) return { kind: 'postgres', url: flags.to, urlFile: null, retentionDays: 30 };
  const config = loadCommandConfig(flags.toConfig, ctx);
  if (config.state.kind !== 'postgres') return `--to-config ${config.configPath}: its "state" is not a PostgreSQL database`;
  return config.state;
}

function usage(io: CliIo, message: string): number {
  io.err(`state copy: ${message}`);
  return ExitCode.USAGE;
}

function present(report: StateCopyJson, json: boolean, io: CliIo): void {
  if (json) {
    io.out(JSON.stringify(report));
    return;
  }
  io.out(`copied     ${report.from} → ${report.to}`);
  for (const [table, n] of Object.entries(report.copied)) io.out(`  ${table.padEnd(17)}${n}`);
  io.out('next       point "state" at the database on every host (see README "Running on several hosts"), then run sync');
}
