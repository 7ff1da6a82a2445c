/**
 * A child process for the cross-process store tests. It opens the state file, says "ready",
 * waits for the start time written to the go-file, then tries `attempts` times to take an
 * upload slot (`slots`) or to claim an upload (`claims`), and prints what it got as one JSON
 * line. In `open` mode it opens the file only after the start, so several processes create and
 * migrate a fresh file at the same moment.
 *
 *   node --import tsx test/support/budget-racer.ts <db> <slots|claims|open> <go-file> <owner> <attempts> <now>
 */
import { existsSync, readFileSync } from 'node:fs';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';

const HOUR = 3_600_000;
const LIMIT = 10;
const MODES = ['slots', 'claims', 'open'] as const;
type Mode = (typeof MODES)[number];

export interface RacerReport {
  owner: string;
  attempts: number;
  slotIds: number[];
  jobIds: number[];
  refusals: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The go-file holds a start time a little ahead; spinning to it lines the racers up closely. */
async function waitForGo(goFile: string): Promise<void> {
  while (!existsSync(goFile)) await pause(1);
  const startAt = Number(readFileSync(goFile, 'utf8'));
  while (Date.now() < startAt) {
    // spin: a timer would add a millisecond of scheduling slack, longer than a whole acquire
  }
}

async function attempt(store: SqliteStore, mode: Mode, owner: string, now: number, report: RacerReport): Promise<void> {
  if (mode === 'claims') {
    const claim = await store.claimUpload({ owner, now, leaseMs: HOUR, scope: 'org', limit: LIMIT, windowMs: HOUR });
    if (claim.ok) report.jobIds.push(claim.job.id);
    else report.refusals++;
    return;
  }
  const slot = await store.acquireUploadSlot({ scope: 'org', limit: LIMIT, windowMs: HOUR, now });
  if (slot.granted) report.slotIds.push(slot.slotId);
  else report.refusals++;
}

async function main(): Promise<void> {
  const [path, modeText, goFile, owner, attemptsText, nowText] = process.argv.slice(2);
  const mode = MODES.find((m) => m === modeText);
  if (!path || !mode || !goFile || !owner || !attemptsText || !nowText) {
    throw new Error('usage: budget-racer <db> <slots|claims|open> <go-file> <owner> <attempts> <now>');
  }
  const attempts = Number(attemptsText);
  const now = Number(nowText);
  let store = mode === 'open' ? undefined : await openSqliteStore({ path, busyTimeoutMs: 30_000 });
  process.stdout.write('ready\n');
  await waitForGo(goFile);
  store ??= await openSqliteStore({ path, busyTimeoutMs: 30_000 });
  const report: RacerReport = { owner, attempts, slotIds: [], jobIds: [], refusals: 0 };
  try {
    for (let i = 0; i < attempts; i++) {
      // Every racer stamps slots inside the same window, as processes sharing one clock would.
      await attempt(store, mode, owner, now + i, report);
      // Spread the attempts out a little, as real uploaders are, so the racers interleave.
      await pause(Math.floor(Math.random() * 3));
    }
  } finally {
    await store.close();
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
