import { access } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/types.js';
import type { Extractor } from '../extractors/extraction.js';
import { createHostSession, type HostSession } from '../hosts/host-session.js';
import { readOrganisationView, type OrganisationView } from '../hosts/host-view.js';
import type { KnowledgeBaseEntry, SensayClient } from '../sensay/client.js';
import { createStatusPoller, pollPolicyFromConfig, type PollResult } from '../status/poller.js';
import { textCacheFor } from '../store/files/gzip-text-cache.js';
import type { StateConfig } from '../config/types.js';
import type { DocumentRecord, Store } from '../store/store.js';
import { adoptPending } from '../uploader/adoption.js';
import type { TextCache } from '../store/text-cache.js';
import { createJobRunner, expireDeadLocalLeases, reconcileReplica, type ProtocolHooks, type ReconcileReport, type RunSummary, type UploadBudget } from '../uploader/index.js';
import { emptyReconcileReport } from '../uploader/reconcile.js';
import { listUnadopted, type UnadoptedEntry } from '../uploader/unadopted.js';
import { indexSources } from '../uploader/source-index.js';
import { budgetScope, UPLOAD_WINDOW_MS } from './budget-scope.js';
import { summariseState, type EngineSummary } from './engine-summary.js';
import { pruneHistory } from './prune-history.js';
import { runSyncPass, type SyncPassOptions, type SyncPassReport } from './sync-pass.js';
import { releaseText, sweepTexts } from './text-cache-upkeep.js';

export type { EngineSummary, BudgetSummary } from './engine-summary.js';

/** An extractor the engine may close when it is done (the worker pool). */
export type ClosableExtractor = Extractor & { close?(): Promise<void> };

export interface EngineDeps {
  readonly clock: Clock;
  readonly store: Store;
  readonly api: SensayClient;
  readonly extractor: ClosableExtractor;
  readonly log: Logger;
  readonly config: Config;
  /** Lease owner id of this process (`leaseOwnerId()`). */
  readonly owner: string;
  /** Upload/delete jobs run at once. Default: the job runner's. */
  readonly concurrency?: number;
  /** Crash tests stop the protocol at named steps. */
  readonly hooks?: ProtocolHooks;
  /** Text-mode texts between extraction and upload. Default: `texts/` beside the state file. */
  readonly texts?: TextCache;
  /** What this host owns (sources) and polls (replicas). Default: a session for `config.host`. */
  readonly host?: HostSession;
}

export interface ReconcileAllReport extends ReconcileReport {
  readonly replicas: number;
}

/** The one engine every front door drives; it decides nothing about *when* (that is the front door's). */
export interface Engine {
  readonly budget: UploadBudget;
  /** Which sources this host owns and which replicas it polls (several hosts on one store). */
  readonly host: HostSession;
  syncPass(options?: SyncPassOptions): Promise<SyncPassReport>;
  /** Adopts entries proven to hold a queued first upload, then runs every job runnable now (within the budget); never waits for a slot. */
  runJobs(options?: { signal?: AbortSignal; onProgress?: () => void }): Promise<RunSummary>;
  pollOnce(options?: { signal?: AbortSignal }): Promise<PollResult>;
  /**
   * Start-up check of every configured replica: the `pageSize=0` count proves the secret (throws
   * on 401/403) and, against the store, says whether one listing must repair drift (DESIGN §6).
   */
  reconcile(options?: { signal?: AbortSignal }): Promise<ReconcileAllReport>;
  /** The organisation's state; `onlyOwnSources`: documents of the sources this host owns only (what `sync --wait` waits for). */
  summary(options?: { onlyOwnSources?: boolean }): Promise<EngineSummary>;
  /** Documents of every host by source and the host that owns each source (status, /metrics). */
  organisation(): Promise<OrganisationView>;
  /** Entries of the replicas that no document owns, left alone (DECISIONS "Adoption"). */
  unadopted(): Promise<UnadoptedEntry[]>;
  /** Closes what the engine was handed, in order: extractor pool, API client, store. Idempotent. */
  close(): Promise<void>;
}

/** Wires the ports once (STYLE rule 3). */
export function createEngine(deps: EngineDeps): Engine {
  const { clock, store, api, extractor, config, owner } = deps;
  // Sub-modules add their own `component`; only the engine's own lines say 'engine'.
  const root = deps.log;
  const log = root.child({ component: 'engine' });
  const budget: UploadBudget = {
    scope: budgetScope(config.api.baseUrl),
    limit: config.limits.uploadsPerHour,
    windowMs: UPLOAD_WINDOW_MS,
  };
  const sources = config.sources;
  const host = deps.host ?? hostSessionFor(deps);
  const owned = () => sources.filter((source) => host.owns(source.name));
  const index = indexSources(sources);
  const texts = deps.texts ?? defaultTexts(config.state);
  const runner = createJobRunner({
    clock,
    store,
    api,
    log: root,
    sources,
    extractor,
    texts,
    budget,
    owner,
    ownedSources: () => host.ownedSources(),
    attempts: { maxAttempts: config.limits.maxAttempts, recreateBackoffSeconds: config.limits.recreateBackoffSeconds },
    ...(deps.concurrency !== undefined && { concurrency: deps.concurrency }),
    ...(deps.hooks !== undefined && { hooks: deps.hooks }),
  });
  const poller = createStatusPoller({
    clock,
    store,
    api,
    log: root,
    ...pollPolicyFromConfig(config),
    random: Math.random,
    // A source another host owns is not ours to judge: its file is taken to be there (its owner's scan decides).
    fileExists: (doc: DocumentRecord) => !host.owns(doc.sourceName) || fileExists(index.absolutePath(doc)),
    mayPoll: (replicaUUID: string) => host.mayPoll(replicaUUID),
    serverClock: () => api.serverClock(),
    onReady: (doc: DocumentRecord) => releaseText(store, texts, doc),
  });
  // Entries the start-up listing found unaccounted for, kept for adoption's proofs (saves a GET each).
  const listed = new Map<number, KnowledgeBaseEntry>();
  let closed: Promise<void> | undefined;
  // A source just taken over may hold jobs its dead holder leased: recovered at once when that holder provably died on this machine.
  let takenOver = false;
  host.onChange(() => (takenOver = true));
  const recoverDeadLocal = async () => {
    const dead = await expireDeadLocalLeases({ store, now: clock.now() });
    if (dead.length > 0) log.warn({ owners: dead }, 'recovered the jobs of processes on this host that died holding them');
  };

  return {
    budget,
    host,
    async syncPass(options = {}) {
      await host.start();
      // Any pass carries out a recorded "sync now" (from a console without a daemon, or `sync-now`).
      if (!options.dryRun) {
        const asked = await store.takePendingActions(['sync-now']);
        if (asked.length > 0) log.info({ requests: asked.length }, 'scanning as asked ("sync now")');
      }
      const foreign = await host.foreignSources();
      const report = await runSyncPass({ clock, store, extractor, log: root, config: { ...config, sources: owned() }, texts, foreign }, options);
      if (report.dryRun) return report;
      await pruneHistory(store, config.state.retentionDays, clock.now(), log);
      const swept = await sweepTexts(store, texts);
      if (swept > 0) log.debug({ swept }, 'cached texts no document needs were removed');
      return report;
    },
    async runJobs(options = {}) {
      await host.start();
      if (takenOver) {
        takenOver = false;
        await recoverDeadLocal();
      }
      const adoption = await adoptPending({ clock, store, api, log: root, sources: owned(), extractor }, listed, options);
      const run = await runner.runUntilIdle(options);
      return { ...run, adopted: run.adopted + adoption.adopted };
    },
    pollOnce: (options = {}) => poller.pollOnce(options),
    async reconcile(options = {}) {
      await host.start();
      await recoverDeadLocal();
      const total = { ...emptyReconcileReport(), replicas: 0 };
      const mine = owned();
      for (const replicaUUID of new Set(mine.map((source) => source.replicaUUID))) {
        const check = await reconcileReplica({ clock, store, api, log: root, sources: mine }, replicaUUID, options);
        for (const key of ['adopted', 'deletedOrphans', 'requeued', 'listed', 'unknown'] as const) total[key] += check.report[key];
        total.replicas++;
        for (const entry of check.unknownEntries) listed.set(entry.id, entry);
      }
      return total;
    },
    summary: (options = {}) => summariseState(store, budget, clock.now(), options.onlyOwnSources ? host.ownedSources() : undefined),
    organisation: () => readOrganisationView(store, clock.now(), sources.map((source) => source.name)),
    unadopted: () => listUnadopted(store, sources.map((source) => source.replicaUUID)),
    close() {
      closed ??= (async () => {
        await extractor.close?.();
        await api.close();
        await host.close().catch((err: unknown) => log.warn({ err }, 'could not close the host session'));
        await store.close();
      })();
      return closed;
    },
  };
}

/** Poll leases last three poll intervals: a host that stopped polling hands its replicas on after that. */
const POLL_LEASE_INTERVALS = 3;

function hostSessionFor(deps: EngineDeps): HostSession {
  const { config } = deps;
  return createHostSession({
    store: deps.store,
    clock: deps.clock,
    log: deps.log,
    hostName: config.host?.name ?? hostname(),
    owner: deps.owner,
    sources: config.sources,
    sourceLeaseMs: (config.host?.sourceLeaseSeconds ?? 60) * 1000,
    pollLeaseMs: POLL_LEASE_INTERVALS * config.status.pollIntervalSeconds * 1000,
  });
}

async function fileExists(path: string | null): Promise<boolean> {
  if (path === null) return false;
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Beside a SQLite file; a PostgreSQL state's texts live in its database, which only the opener reaches. */
function defaultTexts(state: StateConfig): TextCache {
  if (state.kind === 'postgres') throw new Error('createEngine: a PostgreSQL state needs `texts` (openState gives them)');
  return textCacheFor(state.path);
}
