import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Clock } from '../../src/clock/clock.js';
import type { SourceConfig, SourceMode } from '../../src/config/types.js';
import { extractFile } from '../../src/extractors/extract-file.js';
import { validateFile } from '../../src/extractors/validate-file.js';
import type { Extractor } from '../../src/extractors/extraction.js';
import { createSensayClient, type SensayClient } from '../../src/sensay/client.js';
import { startSimulator, type SimEntry, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { createJobRunner, type JobRunner, type JobRunnerDeps } from '../../src/uploader/index.js';

/**
 * A real simulator, a real SQLite state file and a real client over a folder of small text
 * files, each already scanned, extracted and queued for a create: the uploader's world.
 */
export const REPLICA = '03db5651-cb61-4bdf-9ef0-89561f7c9c53';
export const HOUR = 3_600_000;
export const silentLog = pino({ level: 'silent' });

export interface WorldOptions {
  clock: Clock;
  files?: number;
  mode?: SourceMode;
  uploadsPerHour?: number;
  /** Its `clock` defaults to the world's. */
  sim?: SimulatorOptions;
  /** An existing simulator URL + secret (crash tests: the parent owns the simulator). */
  simAt?: { url: string; secret: string };
  dir?: string;
}

export interface World {
  dir: string;
  sourceDir: string;
  statePath: string;
  sim: Simulator | null;
  source: SourceConfig;
  budget: { scope: string; limit: number; windowMs: number };
  clock: Clock;
  extractor: Extractor;
  /** A store on the world's state file; closed with the world. */
  openStore(): Promise<Store>;
  client(): SensayClient;
  runner(store: Store, api: SensayClient, owner: string, extra?: Partial<JobRunnerDeps>): JobRunner;
  /** Scans, extracts and queues a create for every file (idempotent by path). */
  seed(store: Store): Promise<void>;
  close(): Promise<void>;
}

export function fileName(i: number): string {
  return `doc-${String(i).padStart(3, '0')}.txt`;
}

export async function createWorld(options: WorldOptions): Promise<World> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'uploader-')));
  const sourceDir = join(dir, 'docs');
  await mkdir(sourceDir, { recursive: true });
  const files = options.files ?? 3;
  if (options.dir === undefined) {
    for (let i = 0; i < files; i++) {
      await writeFile(join(sourceDir, fileName(i)), `Document number ${i}.\n${'Some words about it. '.repeat(20 + i)}\n`);
    }
  }
  const sim = options.simAt ? null : await startSimulator({ clock: options.clock, requestsPerMinute: Infinity, ...options.sim });
  const at = options.simAt ?? (sim as Simulator);
  const source: SourceConfig = Object.freeze({
    name: 'docs',
    path: sourceDir,
    replicaUUID: REPLICA,
    include: [],
    exclude: [],
    mode: options.mode ?? 'file',
    update: options.mode === 'text' ? 'in-place' : 'replace',
    onDelete: 'delete',
    maxDeletePercent: 20,
    priority: 0,
    requireText: false,
  });
  const budget = { scope: new URL(at.url).origin, limit: options.uploadsPerHour ?? 10, windowMs: HOUR };
  const extractor: Extractor = { extract: (path) => extractFile(path), validate: (path) => validateFile(path) };
  const clients: SensayClient[] = [];
  const stores: Store[] = [];
  const statePath = join(dir, 'state.db');

  return {
    dir,
    sourceDir,
    statePath,
    sim,
    source,
    budget,
    clock: options.clock,
    extractor,
    async openStore() {
      const store = await openSqliteStore({ path: statePath });
      stores.push(store);
      return store;
    },
    client() {
      const client = createSensayClient({
        baseUrl: at.url,
        apiVersion: '2025-03-25',
        secret: at.secret,
        requestsPerMinute: 100_000,
        clock: options.clock,
        log: silentLog,
        // No waits on a fake clock: every 429 and every failure surfaces at once.
        maxAttempts: 1,
        maxRetryAfterMs: 1,
        timeoutMs: 5_000,
      });
      clients.push(client);
      return client;
    },
    runner(store, api, owner, extra = {}) {
      return createJobRunner({ clock: options.clock, store, api, log: silentLog, sources: [source], extractor, budget, owner, ...extra });
    },
    async seed(store) {
      const now = options.clock.now();
      for (let i = 0; i < files; i++) {
        const relPath = fileName(i);
        const path = join(sourceDir, relPath);
        const bytes = await readFile(path);
        const extracted = await extractFile(path);
        if (!extracted.ok) throw new Error(`fixture ${relPath} did not extract: ${extracted.detail}`);
        const { document } = await store.upsertScanned({ sourceName: 'docs', relPath, replicaUUID: REPLICA, size: bytes.length, mtimeMs: 1 }, now);
        if (document.state !== 'discovered') continue;
        const version = { size: bytes.length, mtimeMs: 1, kind: 'txt', sha256: sha256(bytes), textHash: extracted.textHash, warnings: [] };
        await store.recordExtracted(document.id, version, now);
        const queued = await store.queueUpload({ documentId: document.id, kind: 'create', now });
        if (!queued.ok) throw new Error(queued.detail);
      }
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(stores.map((s) => s.close()));
      await sim?.close();
      if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function liveEntries(sim: Simulator): SimEntry[] {
  return sim.entries().filter((e) => !e.deleted);
}

/** Live entries per title: the invariant is exactly one per document. */
export function liveByTitle(entries: readonly SimEntry[]): Map<string, SimEntry[]> {
  const map = new Map<string, SimEntry[]>();
  for (const entry of entries) {
    const key = entry.title ?? '';
    map.set(key, [...(map.get(key) ?? []), entry]);
  }
  return map;
}
