import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Rng } from './random.js';
import type { SoakWorld } from './world.js';

export const BUILT_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** How a run ended: by itself (its exit code), or by our SIGKILL (with the jobs it held). */
export type RunEnd =
  | { killed: false; code: number | null; ms: number }
  | { killed: true; ms: number; trigger: 'timer' | 'job'; jobKinds: string[] };

export interface RunPlan {
  readonly args: readonly string[];
  /** null: let it finish. */
  readonly kill: null | { trigger: 'timer'; afterMs: number } | { trigger: 'job'; extraMs: number; giveUpMs: number };
}

/**
 * Runs the built CLI as cron would, against the world's simulator. A planned kill is a SIGKILL
 * sent from here: after a random delay, or a random moment after the state shows the child
 * holding a job (read from the state file, as any other process could).
 */
export async function runCli(world: SoakWorld, plan: RunPlan, index: number): Promise<RunEnd> {
  const log = openSync(join(world.logDir, `run-${String(index).padStart(4, '0')}.log`), 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [BUILT_CLI, ...plan.args, '--config', world.configPath], {
    cwd: world.dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      SENSAY_API_URL: world.sim.url,
      SENSAY_ORGANIZATION_SECRET: world.sim.secret,
      SENSAY_INGEST_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let trigger: 'timer' | 'job' | null = null;
  if (plan.kill?.trigger === 'timer') {
    trigger = (await Promise.race([sleep(plan.kill.afterMs).then(() => 'timer' as const), exited.then(() => null)])) ?? null;
  } else if (plan.kill?.trigger === 'job' && child.pid !== undefined) {
    trigger = await waitForJob(world.statePath, child.pid, plan.kill, exited);
  }
  let heldAtKill: string[] = [];
  if (trigger !== null && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    const end = await exited;
    if (end.signal === 'SIGKILL') {
      heldAtKill = runningJobsOf(world.statePath, child.pid ?? -1);
      return { killed: true, ms: performance.now() - started, trigger, jobKinds: heldAtKill };
    }
    return { killed: false, code: end.code, ms: performance.now() - started };
  }
  const end = await exited;
  return { killed: false, code: end.code, ms: performance.now() - started };
}

async function waitForJob(
  statePath: string,
  pid: number,
  kill: { extraMs: number; giveUpMs: number },
  exited: Promise<unknown>,
): Promise<'job' | 'timer' | null> {
  let done = false;
  void exited.then(() => (done = true));
  const deadline = performance.now() + kill.giveUpMs;
  while (!done && performance.now() < deadline) {
    if (runningJobsOf(statePath, pid).length > 0) {
      await sleep(kill.extraMs);
      return done ? null : 'job';
    }
    await sleep(8);
  }
  return done ? null : 'timer';
}

/** Kinds of the jobs the process `pid` holds now (its lease owner is `host:pid:suffix`). */
export function runningJobsOf(statePath: string, pid: number): string[] {
  if (!existsSync(statePath)) return [];
  let db: Database.Database | undefined;
  try {
    db = new Database(statePath, { readonly: true, fileMustExist: true, timeout: 200 });
    const rows = db.prepare("SELECT kind, owner FROM jobs WHERE state = 'running'").all() as { kind: string; owner: string | null }[];
    return rows.filter((row) => row.owner?.split(':').at(-2) === String(pid)).map((row) => row.kind);
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

/** A kill plan drawn from `rng`: mostly at a job, the rest at a random instant of a typical run. */
export function drawPlan(rng: Rng, typicalRunMs: number, kill: boolean): RunPlan {
  const args = rng.chance(0.1) ? ['sync', '--wait', '--max-wait', '8'] : ['sync'];
  if (!kill) return { args, kill: null };
  if (rng.chance(0.6)) return { args, kill: { trigger: 'job', extraMs: rng.int(0, 60), giveUpMs: Math.max(1500, typicalRunMs * 2) } };
  return { args, kill: { trigger: 'timer', afterMs: rng.int(50, Math.max(400, typicalRunMs)) } };
}
