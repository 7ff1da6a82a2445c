import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSensayClient, type SensayClient } from '../../src/sensay/client.js';
import { startSimulator, type SimEntry, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { createStatusPoller, type StatusPoller } from '../../src/status/poller.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { DocumentRecord, FileVersion, Store } from '../../src/store/store.js';
import { FakeClock } from '../support/fake-clock.js';

export const REPLICA = '03db5651-cb61-4bdf-9ef0-89561f7c9c53';
export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
export const SECOND = 1_000;
export const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Harness {
  clock: FakeClock;
  sim: Simulator;
  store: Store;
  api: SensayClient;
  poller: StatusPoller;
  /** relPaths whose file "exists" on disk, for the poller's `fileExists`. */
  files: Set<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sim?: SimulatorOptions;
  maxAttempts?: number;
  recreateBackoffSeconds?: number;
  stuckAfterMinutes?: number;
}

/**
 * The real simulator (timeline driven by a FakeClock, 1 s per status step, no rate limits),
 * the real client and a real SQLite store in a temp folder.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new FakeClock(T0);
  const dir = await mkdtemp(join(tmpdir(), 'sensay-poller-'));
  const sim = await startSimulator({
    clock,
    timeline: { stepMs: SECOND },
    uploadsPerHour: Infinity,
    requestsPerMinute: Infinity,
    maxRecordedRequests: 100_000,
    ...options.sim,
  });
  const store = await openSqliteStore({ path: join(dir, 'state.db') });
  const log = pino({ level: 'silent' });
  const api = createSensayClient({
    baseUrl: sim.url,
    apiVersion: '2025-03-25',
    secret: sim.secret,
    requestsPerMinute: Infinity,
    clock,
    log,
    random: () => 0.5,
  });
  const files = new Set<string>();
  const poller = createStatusPoller({
    clock,
    store,
    api,
    log,
    maxAttempts: options.maxAttempts ?? 3,
    recreateBackoffSeconds: options.recreateBackoffSeconds ?? 1,
    stuckAfterMinutes: options.stuckAfterMinutes ?? 30,
    fileExists: (doc) => files.has(doc.relPath),
  });
  return {
    clock,
    sim,
    store,
    api,
    poller,
    files,
    async close() {
      await api.close();
      await sim.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function version(relPath: string, n = 1): FileVersion {
  const hash = `${relPath}#${n}`.padEnd(64, '0').slice(0, 64);
  return { size: 100 + n, mtimeMs: T0 - HOUR + n, kind: 'txt', sha256: hash, textHash: hash, warnings: [] };
}

/** A scanned file queued for its first upload; its file exists. */
export async function addDocument(h: Harness, relPath: string): Promise<DocumentRecord> {
  const { document } = await h.store.upsertScanned(
    { sourceName: 'docs', relPath, replicaUUID: REPLICA, size: 101, mtimeMs: T0 - HOUR + 1 },
    h.clock.now(),
  );
  const queued = await h.store.queueUpload({ documentId: document.id, kind: 'create', version: version(relPath), now: h.clock.now() });
  if (!queued.ok) throw new Error(queued.detail);
  h.files.add(relPath);
  return queued.document;
}

/**
 * A stand-in for the uploader (text mode): claims every due upload job, POSTs the entry,
 * records it and marks it processing. `titleOf` lets a test tell two versions apart in the
 * simulator's failure rules. Returns the entry ids created.
 */
export async function uploadDue(h: Harness, titleOf: (doc: DocumentRecord) => string = (doc) => doc.relPath): Promise<number[]> {
  const created: number[] = [];
  for (;;) {
    const now = h.clock.now();
    const claim = await h.store.claimUpload({ owner: 'test', now, leaseMs: 5 * MINUTE, scope: 'test', limit: 1_000_000, windowMs: HOUR });
    if (!claim.ok) return created;
    const doc = claim.document;
    const result = await h.api.createEntry(REPLICA, { title: titleOf(doc), text: `content of ${doc.relPath}` });
    if (!result.ok) throw new Error(`create refused: ${JSON.stringify(result)}`);
    const recorded = await h.store.recordEntryCreated(doc.id, result.knowledgeBaseID, now);
    if (!recorded.ok) throw new Error(recorded.detail);
    const processing = await h.store.markProcessing(doc.id, result.knowledgeBaseID, now);
    if (!processing.ok) throw new Error(processing.detail);
    created.push(result.knowledgeBaseID);
  }
}

/** Upload what is due, let `stepMs` pass, poll; until the document settles or `maxCycles` run out. */
export async function runUntilSettled(h: Harness, documentId: number, stepMs = 10 * SECOND, maxCycles = 40): Promise<DocumentRecord> {
  for (let i = 0; i < maxCycles; i++) {
    await uploadDue(h);
    await h.clock.advance(stepMs);
    await h.poller.pollOnce();
    const doc = await document(h, documentId);
    if (doc.state === 'ready' || doc.state === 'failed' || doc.state === 'gone') return doc;
  }
  throw new Error(`document ${documentId} did not settle in ${maxCycles} cycles`);
}

export async function document(h: Harness, id: number): Promise<DocumentRecord> {
  const doc = await h.store.getDocument(id);
  if (!doc) throw new Error(`document ${id} missing`);
  return doc;
}

export function entriesTitled(h: Harness, title: string): SimEntry[] {
  return h.sim.entries().filter((e) => e.title === title);
}

export function liveEntries(h: Harness): SimEntry[] {
  return h.sim.entries().filter((e) => !e.deleted);
}

/** Requests the simulator received while `run` ran. */
export async function requestsDuring<T>(h: Harness, run: () => Promise<T>): Promise<{ value: T; requests: { method: string; path: string; query: Record<string, unknown> }[] }> {
  const before = h.sim.requests().length;
  const value = await run();
  return { value, requests: h.sim.requests().slice(before) };
}
