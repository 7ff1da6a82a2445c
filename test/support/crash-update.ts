import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../../src/clock/clock.js';
import { extractFile } from '../../src/extractors/extract-file.js';
import { createStatusPoller } from '../../src/status/poller.js';
import type { Store } from '../../src/store/store.js';
import type { ProtocolStep } from '../../src/uploader/index.js';
import { createWorld, fileName, liveEntries, sha256, silentLog, type World } from './uploader-world.js';

export interface UpdateCrashResult {
  killed: boolean;
  /** Documents with more than one live entry (extra entries counted). */
  duplicates: number;
  /** Documents whose one live entry is not READY with the new text. */
  stale: number;
  creates: number;
  rawTextPatches: number;
  /** Document states after the restart, by path. */
  states: string[];
}

const root = new URL('../../', import.meta.url).pathname;

/**
 * Text mode: every document is synced (READY), then changed and queued for an in-place update.
 * A child runner is SIGKILLed at `step` of the update (with `patch-sent`, the PATCH is applied
 * by the simulator but never answered, so the kill lands while it is in flight). Then a restart
 * recovers the lease, runs the jobs and polls: each document must end with exactly one entry,
 * READY, carrying the new text, and no create may have been spent.
 */
export async function runUpdateCrashScenario(scenario: { step: ProtocolStep; delayMs: number; files: number }): Promise<UpdateCrashResult> {
  const world = await createWorld({
    clock: systemClock,
    files: scenario.files,
    mode: 'text',
    uploadsPerHour: 1000,
    sim: { uploadsPerHour: Infinity, timeline: { stepMs: 50 } },
  });
  const sim = world.sim!;
  try {
    const seeding = await world.openStore();
    await world.seed(seeding);
    await world.runner(seeding, world.client(), 'seeder:1:000000').runUntilIdle();
    await settle(world, seeding);
    const expected = await changeAndQueue(world, seeding, scenario.files);
    await seeding.close();

    if (scenario.step === 'patch-sent') sim.inject({ patchTimeout: { next: 1, mode: 'hang' } });
    const owner = `crash-child:${scenario.step}:${scenario.delayMs}`;
    const code = await spawnChild(world, {
      CRASH_AT: scenario.step,
      CRASH_DELAY_MS: String(scenario.delayMs),
      CRASH_OWNER: owner,
      SIM_SECRET: sim.secret,
      CRASH_MODE: 'text',
      CRASH_CONCURRENCY: '1',
    });
    sim.resetFaults();

    const store = await world.openStore();
    await store.expireLeases(owner, systemClock.now());
    await world.runner(store, world.client(), 'restarted:1:000000').runUntilIdle();
    await settle(world, store);
    const states = (await store.listDocuments()).map((d) => `${d.relPath}:${d.state}`);
    await store.close();

    const result: UpdateCrashResult = { killed: code === null, duplicates: 0, stale: 0, creates: sim.stats().creates, rawTextPatches: sim.stats().rawTextPatches, states };
    const live = liveEntries(sim);
    for (const [title, text] of expected) {
      const mine = live.filter((e) => e.title === title);
      if (mine.length > 1) result.duplicates += mine.length - 1;
      if (!mine.some((e) => e.status === 'READY' && e.text === text)) result.stale++;
    }
    return result;
  } finally {
    await world.close();
  }
}

/** Waits for the simulator to finish processing, then lets the poller record it. */
async function settle(world: World, store: Store): Promise<void> {
  const poller = createStatusPoller({
    clock: systemClock,
    store,
    api: world.client(),
    log: silentLog,
    maxAttempts: 3,
    recreateBackoffSeconds: 1,
    stuckAfterMinutes: 60,
    fileExists: () => true,
  });
  const deadline = performance.now() + 5000;
  for (;;) {
    await poller.pollOnce();
    const busy = (await store.listDocuments()).some((d) => d.state !== 'ready');
    if (!busy || performance.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
}

/** New text in every file, recorded and queued as an `update` (what a sync pass does). */
async function changeAndQueue(world: World, store: Store, files: number): Promise<Map<string, string>> {
  const expected = new Map<string, string>();
  const now = systemClock.now();
  for (let i = 0; i < files; i++) {
    const relPath = fileName(i);
    const path = join(world.sourceDir, relPath);
    await writeFile(path, `Document number ${i}, second version.\n${'Other words now. '.repeat(30 + i)}\n`);
    const bytes = await readFile(path);
    const extracted = await extractFile(path);
    if (!extracted.ok) throw new Error(`fixture ${relPath} did not extract: ${extracted.detail}`);
    const document = await store.getDocumentByPath('docs', relPath);
    if (!document) throw new Error(`no document for ${relPath}`);
    const version = { size: bytes.length, mtimeMs: 2, kind: 'txt', sha256: sha256(bytes), textHash: extracted.textHash, warnings: [] };
    const queued = await store.queueUpload({ documentId: document.id, kind: 'update', version, now });
    if (!queued.ok) throw new Error(queued.detail);
    expected.set(relPath, extracted.text);
  }
  return expected;
}

/** Resolves with the exit code, or null when the child died by a signal. */
function spawnChild(world: World, env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', join(root, 'test/support/crash-child.ts'), world.statePath, world.sim!.url, world.dir];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
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
