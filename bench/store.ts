/**
 * npm run bench:store
 *
 * Claim latency and the cost of a budget check with 3 hosts and 100,000 queued documents, SQLite
 * vs PostgreSQL (issue 10 "Tests and measurements"). Each "host" is its own store connection (its
 * own SQLite handle on one file; its own pool on one database) owning a third of the sources; the
 * three claim at once (`claimUpload` with their sources: lease + slot + document in one
 * transaction), and each claim is timed. The budget check is `budgetStatus` of a ledger holding
 * the slots those claims took. PostgreSQL runs on the shared server (a database of its own,
 * dropped after); skipped with a message when none answers.
 *
 * PostgreSQL's statistics are refreshed after the bulk load (ANALYZE, as autovacuum does in a
 * while): without them the planner sorts every queued job for each claim (about 0.8 s a claim).
 * "PostgreSQL after state copy" seeds a SQLite file instead and moves it with `state copy`'s
 * import, nothing else: the claims a deployment sees right after moving up.
 *
 * Options: BENCH_DOCS=100000 BENCH_CLAIMS=300 (per host) BENCH_ADAPTERS=sqlite,postgres,copy
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore, type SqliteStore } from '../src/store/index.js';
import { importSqliteState } from '../src/store/postgres/import-sqlite.js';
import { openPostgresStore } from '../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../src/store/postgres/pg-store.js';
import type { Store } from '../src/store/store.js';
import { createPgTestDatabase, pgUnavailableReason } from '../test/support/pg-test-db.js';
import { printRows, recordSection, row, type BenchRow } from './support/results.js';

const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 300);
const HOSTS = 3;
const SOURCES_PER_HOST = 4;
const REPLICA = '5a6b7c8d-0000-4000-8000-000000000001';
const SCOPE = 'https://api.bench';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

type Adapter = {
  name: string;
  open(): Promise<Store>;
  /** Fills the store itself (default: `seed` through `open`). */
  seed?(): Promise<void>;
  afterSeed?(store: Store): Promise<void>;
  cleanup(): Promise<void>;
};

const sourceName = (host: number, i: number) => `h${host}-s${i}`;

async function seed(store: Store): Promise<void> {
  const batch = 5_000;
  for (let start = 0; start < DOCS; start += batch) {
    const files = Array.from({ length: Math.min(batch, DOCS - start) }, (_, k) => {
      const n = start + k;
      return { sourceName: sourceName(n % HOSTS, Math.floor(n / HOSTS) % SOURCES_PER_HOST), relPath: `doc-${n}.md`, replicaUUID: REPLICA, size: 100, mtimeMs: T0 };
    });
    const rows = await store.upsertScannedMany(files, T0);
    // Queued in parallel (a pool answers several at once; SQLite serialises them anyway).
    const queue = rows.map((r) => r.document.id);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
          const version = { size: 100, mtimeMs: T0, kind: 'text' as const, sha256: String(id).padStart(64, '0'), textHash: String(id).padStart(64, '0'), warnings: [] };
          await store.queueUpload({ documentId: id, kind: 'create', version, now: T0 });
        }
      }),
    );
    process.stdout.write(`\r  seeded ${Math.min(start + batch, DOCS)} / ${DOCS}`);
  }
  process.stdout.write('\n');
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(adapter: Adapter): Promise<BenchRow[]> {
  process.stdout.write(`${adapter.name}: seeding ${DOCS} queued documents\n`);
  if (adapter.seed) {
    await adapter.seed();
  } else {
    const seeding = await adapter.open();
    await seed(seeding);
    await adapter.afterSeed?.(seeding);
    await seeding.close();
  }
  const hosts = await Promise.all(Array.from({ length: HOSTS }, () => adapter.open()));
  const latencies: number[] = [];
  const claimOne = async (host: number, i: number) => {
    const now = T0 + 1000 + i;
    const started = performance.now();
    const claim = await hosts[host]?.claimUpload({
      owner: `bench-host-${host}:1:aa`,
      now,
      leaseMs: 300_000,
      scope: SCOPE,
      limit: 1_000_000,
      windowMs: HOUR,
      sourceNames: Array.from({ length: SOURCES_PER_HOST }, (_, s) => sourceName(host, s)),
    });
    latencies.push(performance.now() - started);
    if (!claim?.ok) throw new Error(`claim refused: ${claim?.reason}`);
  };
  await Promise.all(Array.from({ length: HOSTS }, async (_, host) => {
    for (let i = 0; i < CLAIMS; i++) await claimOne(host, i);
  }));
  const checks: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await hosts[i % HOSTS]?.budgetStatus(SCOPE, 1_000_000, HOUR, T0 + 2000);
    checks.push(performance.now() - started);
  }
  for (const store of hosts) await store.close();
  latencies.sort((a, b) => a - b);
  checks.sort((a, b) => a - b);
  const what = `${HOSTS} hosts, ${DOCS.toLocaleString('en')} queued`;
  return [
    row(`${adapter.name}: claimUpload median (${what}, ${HOSTS * CLAIMS} claims at once)`, percentile(latencies, 50), undefined),
    row(`${adapter.name}: claimUpload p99`, percentile(latencies, 99), undefined),
    row(`${adapter.name}: budget check median (budgetStatus, ${HOSTS * CLAIMS} slots in the window)`, percentile(checks, 50), undefined),
    row(`${adapter.name}: budget check p99`, percentile(checks, 99), undefined),
  ];
}

function sqliteAdapter(): Adapter {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const path = join(dir, 'state.db');
  return { name: 'SQLite', open: () => openSqliteStore({ path }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresAdapter(): Promise<Adapter | null> {
  const reason = await pgUnavailableReason();
  if (reason !== null) {
    process.stdout.write(`[skipped] PostgreSQL: no server on 127.0.0.1:5432 (${reason})\n`);
    return null;
  }
  const database = await createPgTestDatabase('sensay_bench_store');
  return {
    name: 'PostgreSQL',
    open: () => openPostgresStore({ url: database.url, poolSize: 4 }),
    afterSeed: async (store) => void (await (store as PostgresStore).database.pool.run('ANALYZE')),
    cleanup: () => database.drop(),
  };
}

/** A SQLite state seeded, then moved into PostgreSQL by `state copy`'s import (no ANALYZE of our own). */
async function copiedAdapter(): Promise<Adapter | null> {
  const postgres = await postgresAdapter();
  if (!postgres) return null;
  const sqlite = sqliteAdapter();
  return {
    name: 'PostgreSQL after state copy',
    open: () => postgres.open(),
    async seed() {
      const from = await sqlite.open();
      await seed(from);
      const to = (await postgres.open()) as PostgresStore;
      try {
        const started = performance.now();
        await importSqliteState((from as SqliteStore).database, null, to.database, { replace: false });
        process.stdout.write(`  state copy: ${Math.round(performance.now() - started)} ms\n`);
      } finally {
        await to.close();
        await from.close();
      }
    },
    async cleanup() {
      await postgres.cleanup();
      await sqlite.cleanup();
    },
  };
}

const rows: BenchRow[] = [];
const chosen = (process.env.BENCH_ADAPTERS ?? 'sqlite,postgres,copy').split(',');
const makers = [
  ...(chosen.includes('sqlite') ? [async () => sqliteAdapter()] : []),
  ...(chosen.includes('postgres') ? [postgresAdapter] : []),
  ...(chosen.includes('copy') ? [copiedAdapter] : []),
];
for (const make of makers) {
  const adapter = await make();
  if (!adapter) continue;
  try {
    rows.push(...(await measure(adapter)));
  } finally {
    await adapter.cleanup();
  }
}
printRows(`Store: claims and budget checks (npm run bench:store)`, rows);
recordSection('store', rows);
