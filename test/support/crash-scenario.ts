import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../../src/clock/clock.js';
import type { SourceMode } from '../../src/config/types.js';
import { UPLOAD_JOB_KINDS } from '../../src/store/jobs.js';
import type { Store } from '../../src/store/store.js';
import { reconcileReplica, type ProtocolStep } from '../../src/uploader/index.js';
import { createWorld, fileName, liveEntries, REPLICA, sha256, silentLog } from './uploader-world.js';

export interface CrashScenario {
  step: ProtocolStep;
  /** Kill this long after the step is reached (0: exactly there). */
  delayMs: number;
  files: number;
  mode?: SourceMode;
  /** The child runner's concurrency. Default 2. */
  concurrency?: number;
  /** The simulator's clock this far ahead of the host's (negative: behind). */
  clockOffsetMs?: number;
  /**
   * Before anything is synced, someone else's entry titled like the first document (other
   * content) exists: it must survive untouched and is not counted as a duplicate.
   */
  foreignTwin?: boolean;
  /**
   * After the kill, the file whose upload was cut short is deleted, and the restart's pass queues
   * its delete (as `sync` does for a vanished file) before the jobs run: its entry, created or
   * not, must not survive.
   */
  deleteCutShort?: boolean;
}

export interface CrashResult {
  killed: boolean;
  /** Documents with more than one live entry (extra entries counted). */
  duplicates: number;
  /** Live entries no document owns. */
  orphans: number;
  /** Documents with no live READY entry carrying the right bytes. */
  missing: number;
  creates: number;
  /** With `foreignTwin`: whether it is still there. */
  foreignKept: boolean | null;
  /** With `deleteCutShort`: the deleted file (null: no upload was cut short). */
  deleted: string | null;
}

const root = new URL('../../', import.meta.url).pathname;

/**
 * Seeds a state file, lets a child runner die by SIGKILL at `step`, then restarts: lease
 * recovery + reconciliation + a normal run. Checks that the simulator holds exactly one live
 * READY entry per document, with the file's bytes, and nothing else.
 */
export async function runCrashScenario(scenario: CrashScenario): Promise<CrashResult> {
  const mode = scenario.mode ?? 'file';
  // The simulator's clock starts 10 s back so that the foreign twin is surely older than our
  // first claim (beyond the offset's margin) without sleeping; then it catches up.
  let lagMs = scenario.foreignTwin ? 10_000 : 0;
  const simClock = { now: () => systemClock.now() - lagMs, sleep: systemClock.sleep };
  const world = await createWorld({
    clock: systemClock,
    files: scenario.files,
    mode,
    uploadsPerHour: 1000,
    sim: { uploadsPerHour: Infinity, timeline: { stepMs: 50 }, clock: simClock, clockOffsetMs: scenario.clockOffsetMs ?? 0 },
  });
  const sim = world.sim!;
  try {
    let twinId: number | null = null;
    if (scenario.foreignTwin) {
      const api = world.client();
      const twin = await api.createEntry(REPLICA, { title: fileName(0), text: 'Someone else wrote this entry, with this title.' });
      if (!twin.ok) throw new Error('could not create the foreign twin');
      twinId = twin.knowledgeBaseID;
      lagMs = 0;
    }
    const seeding = await world.openStore();
    await world.seed(seeding);
    await seeding.close();
    // Make the in-flight kill points really in flight: the create is processed but never
    // answered; the PUT is held before the server reads it.
    if (scenario.step === 'create-sent') sim.inject({ createTimeout: { next: 1, mode: 'hang' } });
    if (scenario.step === 'upload-sent') sim.inject({ latencyMs: { ms: 2_000, scope: 'upload' } });

    const owner = `crash-child:${scenario.step}:${scenario.delayMs}`;
    const code = await spawnChild(world.statePath, sim.url, world.dir, {
      CRASH_AT: scenario.step,
      CRASH_DELAY_MS: String(scenario.delayMs),
      CRASH_OWNER: owner,
      SIM_SECRET: sim.secret,
      CRASH_MODE: mode,
      CRASH_CONCURRENCY: String(scenario.concurrency ?? 2),
    });
    sim.resetFaults();

    const store = await world.openStore();
    await store.expireLeases(owner, systemClock.now());
    const api = world.client();
    const deps = { clock: systemClock, store, api, log: silentLog, sources: [world.source] };
    await reconcileReplica(deps, REPLICA);
    const deleted = scenario.deleteCutShort === true ? await deleteCutShort(store, world.sourceDir) : null;
    await world.runner(store, api, 'restarted:1:000000').runUntilIdle();
    await store.close();
    // The simulator's timeline (stepMs 50) takes a complete entry to READY in well under a
    // second; an entry that never got its bytes stays NEW and is counted as missing below.
    const settled = performance.now() + 3000;
    while (!liveEntries(sim).every((e) => e.status === 'READY') && performance.now() < settled) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const expected = new Map<string, string>();
    for (let i = 0; i < scenario.files; i++) {
      if (fileName(i) === deleted) continue;
      expected.set(fileName(i), sha256(await readFile(join(world.sourceDir, fileName(i)))));
    }
    const live = liveEntries(sim).filter((e) => e.id !== twinId);
    const foreignKept = twinId === null ? null : liveEntries(sim).some((e) => e.id === twinId);
    const creates = sim.stats().creates - (twinId === null ? 0 : 1);
    const result: CrashResult = { killed: code === null, duplicates: 0, orphans: 0, missing: 0, creates, foreignKept, deleted };
    for (const [title, hash] of expected) {
      const mine = live.filter((e) => e.title === title);
      if (mine.length > 1) result.duplicates += mine.length - 1;
      const good = mine.some((e) => e.status === 'READY' && (mode === 'text' ? e.text !== null : e.upload?.sha256 === hash));
      if (!good) result.missing++;
    }
    result.orphans = live.filter((e) => !expected.has(e.title ?? '')).length;
    return result;
  } finally {
    await world.close();
  }
}

/** Deletes the file of the upload the kill cut short, and queues its delete as the next pass would. */
async function deleteCutShort(store: Store, sourceDir: string): Promise<string | null> {
  const [job] = await store.listJobs({ states: ['running'], kinds: UPLOAD_JOB_KINDS });
  const doc = job ? await store.getDocument(job.documentId) : null;
  if (!doc) return null;
  await rm(join(sourceDir, doc.relPath));
  const queued = await store.queueDelete(doc.id, systemClock.now());
  if (!queued.ok) throw new Error(`queueDelete refused: ${queued.detail}`);
  return doc.relPath;
}

/** Resolves with the exit code, or null when the child died by a signal. */
function spawnChild(statePath: string, simUrl: string, dir: string, env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/crash-child.ts'), statePath, simUrl, dir], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(null);
      else if (code === 0) resolve(0);
      else reject(new Error(`crash child exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}
