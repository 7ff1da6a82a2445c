/**
 * A child process for the cross-process store tests. It opens the store (a SQLite file, or a
 * postgres:// URL), says "ready", waits for the start time written to the go-file, then tries
 * `attempts` times to take an upload slot (`slots`) or to claim an upload (`claims`), and prints
 * what it got as one JSON line. In `open` mode it opens the store only after the start, so
 * several processes create and migrate a fresh one at the same moment.
 *
 * `timeline` mode is the sliding hour scaled down: a window of TIMELINE_WINDOW ms (limit 10) for
 * TIMELINE_SPAN ms of real time, on the host's clock skewed by `skewMs` (the soak's ±15 min of an
 * hour, scaled); with `db-clock` it reads the database's clock through that skewed clock
 * (DatabaseClock), as a PostgreSQL host does. Both run at the real rate, so an offset measured
 * once stays right. It reports each grant's ledger stamp and its true time (this machine's clock).
 *
 * `hours` mode is the real hour on an injected clock: the racer registers as host `<owner>`,
 * takes the lease of its own source `src-<owner>`, then claims uploads of that source (claim +
 * slot + lease in one transaction, windowMs one hour, limit 10) without pause for HOURS_SPAN
 * simulated hours of a clock shared by every racer: the go time is the simulated `now`, and a
 * simulated hour passes every SIM_HOUR_REAL_MS. It reports each grant's stamp and the source of
 * each claimed job.
 *
 *   node --import tsx test/support/budget-racer.ts <db> <slots|claims|open|timeline|hours> <go-file> <owner> <attempts> <now> [skewMs] [db-clock]
 */
import { existsSync, readFileSync } from 'node:fs';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { DatabaseClock, type BaseClock } from '../../src/store/postgres/database-clock.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../../src/store/postgres/pg-store.js';
import { HOURS_SPAN, SIM_HOUR_REAL_MS, TIMELINE_SPAN, TIMELINE_WINDOW } from './racer-harness.js';

const HOUR = 3_600_000;
const LIMIT = 10;
const MODES = ['slots', 'claims', 'open', 'timeline', 'hours'] as const;
type Mode = (typeof MODES)[number];

export interface RacerReport {
  owner: string;
  attempts: number;
  slotIds: number[];
  jobIds: number[];
  refusals: number;
  /** `timeline` mode: each grant's ledger stamp and true (unskewed) time. */
  grants: { stamp: number; trueAt: number }[];
  /** `timeline` with `db-clock`: how far this racer's reading of the database clock may be off (simulated ms). */
  clockPrecisionMs: number;
  /** `hours` mode: the source of each claimed job's document. */
  claimedSources: string[];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The go-file holds a start time a little ahead; spinning to it lines the racers up closely. */
async function waitForGo(goFile: string): Promise<number> {
  while (!existsSync(goFile)) await pause(1);
  const startAt = Number(readFileSync(goFile, 'utf8'));
  while (Date.now() < startAt) {
    // spin: a timer would add a millisecond of scheduling slack, longer than a whole acquire
  }
  return startAt;
}

function openStore(db: string): Promise<Store> {
  return db.startsWith('postgres://') ? openPostgresStore({ url: db }) : openSqliteStore({ path: db, busyTimeoutMs: 30_000 });
}

async function attempt(store: Store, mode: Mode, owner: string, now: number, report: RacerReport): Promise<void> {
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

/** Slot-taking for TIMELINE_SPAN ms on a skewed clock (see the header). */
async function timeline(store: Store, startAt: number, skewMs: number, dbClock: boolean, report: RacerReport): Promise<void> {
  const base: BaseClock = { now: () => Date.now() + skewMs, sleep: (ms) => pause(ms).then(() => undefined) };
  const clock = dbClock ? await DatabaseClock.start(base, (store as PostgresStore).database) : base;
  if (clock instanceof DatabaseClock) report.clockPrecisionMs = clock.precisionMs;
  while (Date.now() < startAt + TIMELINE_SPAN) {
    const trueAt = Date.now();
    const now = clock.now();
    const slot = await store.acquireUploadSlot({ scope: 'org', limit: LIMIT, windowMs: TIMELINE_WINDOW, now });
    report.attempts++;
    if (slot.granted) {
      report.slotIds.push(slot.slotId);
      report.grants.push({ stamp: now, trueAt });
    } else {
      report.refusals++;
    }
    await pause(1 + Math.floor(Math.random() * 3));
  }
}

/** `hours` mode, before the start: this racer is a host, and owns its source. */
async function becomeHost(store: Store, host: string, t0: number): Promise<string> {
  const owner = `${host}:${process.pid}:racer`;
  await store.registerHost({ hostName: host, owner, now: t0, newId: `${host}-id` });
  const claim = await store.claimSource({ sourceName: `src-${host}`, hostName: host, owner, standby: false, now: t0, leaseMs: 100 * HOUR });
  if (!claim.granted) throw new Error(`${host} could not take src-${host}: ${claim.reason}`);
  return owner;
}

/** `hours` mode after the start (see the header). */
async function claimForHours(store: Store, host: string, owner: string, startAt: number, t0: number, report: RacerReport): Promise<void> {
  const clock = { now: () => t0 + ((Date.now() - startAt) * HOUR) / SIM_HOUR_REAL_MS };
  for (let now = clock.now(); now < t0 + HOURS_SPAN * HOUR; now = clock.now()) {
    const claim = await store.claimUpload({ owner, now, leaseMs: 100 * HOUR, scope: 'org', limit: LIMIT, windowMs: HOUR, sourceNames: [`src-${host}`] });
    report.attempts++;
    if (claim.ok) {
      report.jobIds.push(claim.job.id);
      report.claimedSources.push(claim.document.sourceName);
      report.grants.push({ stamp: now, trueAt: Date.now() });
    } else {
      if (claim.reason !== 'BUDGET_FULL') throw new Error(`${host}: claim refused with ${claim.reason}`);
      report.refusals++;
    }
    await pause(Math.floor(Math.random() * 3));
  }
}

async function main(): Promise<void> {
  const [db, modeText, goFile, owner, attemptsText, nowText, skewText, clockText] = process.argv.slice(2);
  const mode = MODES.find((m) => m === modeText);
  if (!db || !mode || !goFile || !owner || !attemptsText || !nowText) {
    throw new Error('usage: budget-racer <db> <slots|claims|open|timeline|hours> <go-file> <owner> <attempts> <now> [skewMs] [db-clock]');
  }
  const attempts = Number(attemptsText);
  const now = Number(nowText);
  let store = mode === 'open' ? undefined : await openStore(db);
  const hostOwner = mode === 'hours' && store ? await becomeHost(store, owner, now) : owner;
  process.stdout.write('ready\n');
  const startAt = await waitForGo(goFile);
  store ??= await openStore(db);
  const counted = mode === 'timeline' || mode === 'hours';
  const report: RacerReport = { owner, attempts: counted ? 0 : attempts, slotIds: [], jobIds: [], refusals: 0, grants: [], clockPrecisionMs: 0, claimedSources: [] };
  try {
    if (mode === 'hours') {
      await claimForHours(store, owner, hostOwner, startAt, now, report);
    } else if (mode === 'timeline') {
      await timeline(store, startAt, Number(skewText ?? 0), clockText === 'db-clock', report);
    } else {
      for (let i = 0; i < attempts; i++) {
        // Every racer stamps slots inside the same window, as processes sharing one clock would.
        await attempt(store, mode, owner, now + i, report);
        // Spread the attempts out a little, as real uploaders are, so the racers interleave.
        await pause(Math.floor(Math.random() * 3));
      }
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
