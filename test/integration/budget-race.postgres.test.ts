import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { busiestWindow, HOURS_SPAN, race, TIMELINE_WINDOW } from '../support/racer-harness.js';
import { createPgTestDatabase, pgOrSkipMessage, type PgTestDatabase } from '../support/pg-test-db.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const HOUR = 3_600_000;
const MINUTE = 60_000;
const RACERS = 4;
const ATTEMPTS = 60;
/** Each host's clock is off by this much: the soak's ±15 min of an hour, scaled to the test's window. */
const SKEWS = [-15, -5, 5, 15].map((minutes) => (minutes * MINUTE * TIMELINE_WINDOW) / HOUR);

const available = await pgOrSkipMessage('multi-process budget race on PostgreSQL');

describe.skipIf(!available)('the upload budget across processes on PostgreSQL (one budget for every host)', () => {
  let database: PgTestDatabase | undefined;
  let dir: string;
  beforeAll(async () => {
    database = await createPgTestDatabase('sensay_race');
    await (await openPostgresStore({ url: database.url })).close();
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await database?.truncate();
    dir = await mkdtemp(join(tmpdir(), 'sensay-pg-race-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const url = () => database?.url ?? '';
  const hosts = (dbClock = false) => SKEWS.map((skewMs, i) => ({ owner: `host-${i}`, skewMs, dbClock }));

  it(`${RACERS} hosts racing for slots at 10 per hour get exactly 10 between them`, async () => {
    const reports = await race(url(), 'slots', { dir, racers: hosts(), attempts: ATTEMPTS, t0: T0 });
    const granted = reports.flatMap((report) => report.slotIds);
    expect(new Set(granted).size).toBe(10);
    expect(reports.reduce((sum, report) => sum + report.refusals, 0)).toBe(RACERS * ATTEMPTS - 10);
    await using store = await openPostgresStore({ url: url() });
    expect(await store.budgetStatus('org', 10, HOUR, T0 + ATTEMPTS)).toMatchObject({ used: 10, remaining: 0 });
  });

  it(`${RACERS} hosts with different owners claiming from 15 queued uploads claim 10 distinct jobs, each recorded to its claimer`, async () => {
    {
      await using store = await openPostgresStore({ url: url() });
      for (let i = 0; i < 15; i++) {
        const { document } = await store.upsertScanned(
          { sourceName: 'docs', relPath: `file-${i}.pdf`, replicaUUID: '3f1c7d8e-0000-4000-8000-00000000000a', size: i, mtimeMs: i },
          T0 - 1000,
        );
        await store.queueUpload({ documentId: document.id, kind: 'create', now: T0 - 1000 + i });
      }
    }
    const reports = await race(url(), 'claims', { dir, racers: hosts(), attempts: ATTEMPTS, t0: T0 });
    const claimed = reports.flatMap((report) => report.jobIds);
    expect(claimed).toHaveLength(10);
    expect(new Set(claimed).size).toBe(10);
    await using store = await openPostgresStore({ url: url() });
    const running = await store.listJobs({ states: ['running'] });
    expect(running.map((job) => job.id).sort((a, b) => a - b)).toEqual([...claimed].sort((a, b) => a - b));
    expect(await store.listJobs({ states: ['queued'] })).toHaveLength(5);
    for (const report of reports) {
      for (const id of report.jobIds) expect(running.find((job) => job.id === id)?.owner).toBe(report.owner);
    }
  });

  it('hosts whose clocks are ±15 min (scaled) apart, each reading the database clock, never exceed the limit in any sliding window', async () => {
    const reports = await race(url(), 'timeline', { dir, racers: hosts(true), attempts: 0, t0: T0 });
    const grants = reports.flatMap((report) => report.grants);
    // The ledger itself: every window, wherever it starts, holds at most 10 slots.
    expect(busiestWindow(grants.map((grant) => grant.stamp), TIMELINE_WINDOW)).toBeLessThanOrEqual(10);
    // On the machine's own clock (what an API server would see), too, up to how precisely each
    // host read the database's clock (two hosts' errors, plus a millisecond of Date.now()).
    const slack = 2 * Math.max(...reports.map((report) => report.clockPrecisionMs)) + 2;
    expect(slack).toBeLessThan(TIMELINE_WINDOW / 20);
    expect(busiestWindow(grants.map((grant) => grant.trueAt), TIMELINE_WINDOW - slack)).toBeLessThanOrEqual(10);
    // Not vacuous: the hosts kept the budget busy (three windows, the first slots at once) between them.
    expect(grants.length).toBeGreaterThanOrEqual(25);
    expect(grants.length).toBeLessThanOrEqual(40);
    expect(new Set(reports.filter((report) => report.grants.length > 0).map((report) => report.owner)).size).toBeGreaterThan(1);
  });

  it(`${RACERS} hosts, each owning its source, claiming without pause for ${HOURS_SPAN} simulated hours on one injected clock: never more than 10 claims in any sliding hour, 10 an hour between them`, async () => {
    const names = Array.from({ length: RACERS }, (_, i) => `host-${i}`);
    {
      await using store = await openPostgresStore({ url: url() });
      for (const name of names) {
        const files = Array.from({ length: 40 }, (_, i) => ({ sourceName: `src-${name}`, relPath: `doc-${i}.md`, replicaUUID: '3f1c7d8e-0000-4000-8000-00000000000b', size: i, mtimeMs: i }));
        for (const { document } of await store.upsertScannedMany(files, T0 - HOUR)) {
          await store.queueUpload({ documentId: document.id, kind: 'create', now: T0 - HOUR });
        }
      }
    }
    const reports = await race(url(), 'hours', { dir, racers: names.map((owner) => ({ owner })), attempts: 0, t0: T0 });
    const stamps = reports.flatMap((report) => report.grants.map((grant) => grant.stamp));
    expect(busiestWindow(stamps, HOUR)).toBeLessThanOrEqual(10);
    // The shared ledger, as every host counts it: the same slots, the same bound.
    await using store = await openPostgresStore({ url: url() });
    const ledger = await store.database.pool.rows<{ taken_at: number }>("SELECT taken_at FROM budget_slots WHERE scope = 'org'");
    expect(ledger).toHaveLength(stamps.length);
    expect(busiestWindow(ledger.map((slot) => slot.taken_at), HOUR)).toBeLessThanOrEqual(10);
    // Every job claimed once, by the host that owns its source.
    const claimed = reports.flatMap((report) => report.jobIds);
    expect(new Set(claimed).size).toBe(claimed.length);
    for (const report of reports) expect(new Set(report.claimedSources)).toEqual(new Set(report.claimedSources.length > 0 ? [`src-${report.owner}`] : []));
    // Not vacuous: the budget was full all along (10 in each simulated hour, one more burst at most),
    // and the hosts shared it.
    expect(stamps.length).toBeGreaterThanOrEqual(10 * HOURS_SPAN);
    expect(stamps.length).toBeLessThanOrEqual(10 * (HOURS_SPAN + 1));
    for (let hour = 0; hour < HOURS_SPAN; hour++) {
      const inHour = stamps.filter((stamp) => stamp >= T0 + hour * HOUR && stamp < T0 + (hour + 1) * HOUR).length;
      expect(inHour, `simulated hour ${hour}`).toBeGreaterThanOrEqual(5);
    }
    expect(reports.filter((report) => report.grants.length > 0).length).toBeGreaterThanOrEqual(3);
  });
});
