import { pauseSource, requestSync, resumeSource, type SourceActionDeps, type SourceActionResult } from '../../engine/source-actions.js';
import { openState } from '../open-state.js';
import { loadCommandConfig } from '../command-context.js';
import { ExitCode } from '../io.js';
import type { CliContext } from '../main.js';

export type SourceActionFlags = { config?: string; json?: boolean };

/**
 * `pause SOURCE…`, `resume SOURCE…` and `sync-now [SOURCE]`: recorded in the state store, which
 * every process sharing it reads (a running `watch` within seconds). Need neither the secret nor
 * the API.
 */
export async function runPauseCommand(names: readonly string[], flags: SourceActionFlags, ctx: CliContext): Promise<number> {
  return withDeps(flags, ctx, async (deps) => report('pause', await each(names, (name) => pauseSource(deps, name)), flags, ctx));
}

export async function runResumeCommand(names: readonly string[], flags: SourceActionFlags, ctx: CliContext): Promise<number> {
  return withDeps(flags, ctx, async (deps) => report('resume', await each(names, (name) => resumeSource(deps, name)), flags, ctx));
}

export async function runSyncNowCommand(source: string | undefined, flags: SourceActionFlags, ctx: CliContext): Promise<number> {
  return withDeps(flags, ctx, async (deps) => {
    const result = await requestSync(deps, source ?? null);
    if (!result.ok) {
      ctx.io.err(`sync-now: ${result.message}`);
      return ExitCode.USAGE;
    }
    if (flags.json) ctx.io.out(JSON.stringify({ requested: { kind: result.action.kind, source: result.action.sourceName, requestedAt: new Date(result.action.requestedAt).toISOString() } }, null, 2));
    else ctx.io.out(`requested  a rescan${source ? ` of ${source}` : ''}: a running \`watch\` starts it within seconds, otherwise the next \`sync\` does`);
    return ExitCode.OK;
  });
}

async function withDeps(flags: SourceActionFlags, ctx: CliContext, work: (deps: SourceActionDeps) => Promise<number>): Promise<number> {
  const config = loadCommandConfig(flags.config, ctx);
  const { store, clock } = await openState(config.state, ctx.env);
  try {
    return await work({ store, clock, sources: config.sources.map((source) => source.name) });
  } finally {
    await store.close();
  }
}

async function each(names: readonly string[], act: (name: string) => Promise<SourceActionResult>): Promise<SourceActionResult[]> {
  const results: SourceActionResult[] = [];
  for (const name of new Set(names)) results.push(await act(name));
  return results;
}

function report(verb: 'pause' | 'resume', results: readonly SourceActionResult[], flags: SourceActionFlags, ctx: CliContext): number {
  const bad = results.find((r) => !r.ok);
  if (flags.json) {
    ctx.io.out(JSON.stringify({ [verb === 'pause' ? 'paused' : 'resumed']: results.filter((r) => r.ok).map((r) => ({ source: r.source, changed: r.ok && r.changed })), unknown: results.filter((r) => !r.ok).map((r) => r.source) }, null, 2));
  }
  for (const r of results) {
    if (!r.ok) ctx.io.err(`${verb}: ${r.message}`);
    else if (!flags.json) ctx.io.out(line(verb, r.source, r.changed));
  }
  return bad ? ExitCode.USAGE : ExitCode.OK;
}

function line(verb: 'pause' | 'resume', source: string, changed: boolean): string {
  if (verb === 'pause') {
    return changed
      ? `paused     source ${source}: it is still scanned, but nothing is uploaded or deleted for it until \`resume ${source}\``
      : `paused     source ${source} (it already was)`;
  }
  return changed ? `resumed    source ${source}: its queued uploads and deletes run again` : `resumed    source ${source} (it was not paused)`;
}
