/** Starts budget racers (test/support/budget-racer.ts) as child processes and lets them go at once. */
import { spawn } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RacerReport } from './budget-racer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RACER = fileURLToPath(new URL('./budget-racer.ts', import.meta.url));

/** `timeline` mode: the sliding hour scaled down to a window of this many ms, run for three of them. */
export const TIMELINE_WINDOW = 2_000;
export const TIMELINE_SPAN = 3 * TIMELINE_WINDOW;

/**
 * `hours` mode: hosts claim uploads on one accelerated clock for HOURS_SPAN simulated hours, with
 * the real hour as the window; a simulated hour lasts SIM_HOUR_REAL_MS of real time.
 */
export const HOURS_SPAN = 6;
export const SIM_HOUR_REAL_MS = 1_000;

export type RacerMode = 'slots' | 'claims' | 'open' | 'timeline' | 'hours';

export interface RacerSpec {
  owner: string;
  /** `timeline` mode: this racer's clock skew, and whether it reads the database's clock. */
  skewMs?: number;
  dbClock?: boolean;
}

interface Racer {
  ready: Promise<void>;
  done: Promise<RacerReport>;
}

function startRacer(db: string, mode: RacerMode, goFile: string, spec: RacerSpec, attempts: number, t0: number): Racer {
  const extra = mode === 'timeline' ? [String(spec.skewMs ?? 0), spec.dbClock ? 'db-clock' : 'host-clock'] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', RACER, db, mode, goFile, spec.owner, String(attempts), String(t0), ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<RacerReport>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      markReady();
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`racer ${spec.owner} exited ${String(code)}: ${stderr}`));
      else resolve(JSON.parse(last) as RacerReport);
    });
  });
  return { ready, done };
}

/** Starts every racer, waits until all have opened the store, then lets them go at once. */
export async function race(
  db: string,
  mode: RacerMode,
  options: { dir: string; racers: readonly RacerSpec[]; attempts: number; t0: number },
): Promise<RacerReport[]> {
  const goFile = join(options.dir, 'go');
  const racers = options.racers.map((spec) => startRacer(db, mode, goFile, spec, options.attempts, options.t0));
  await Promise.all(racers.map((racer) => racer.ready));
  // Written aside and renamed: a racer that sees the file always reads the whole start time.
  await writeFile(`${goFile}.tmp`, String(Date.now() + 150));
  await rename(`${goFile}.tmp`, goFile);
  return Promise.all(racers.map((racer) => racer.done));
}

/** The most stamps any window [t, t + windowMs) starting at a stamp holds. */
export function busiestWindow(stamps: readonly number[], windowMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let most = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const from = sorted[start] ?? 0;
    while (end < sorted.length && (sorted[end] ?? 0) < from + windowMs) end++;
    most = Math.max(most, end - start);
  }
  return most;
}
