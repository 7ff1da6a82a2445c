import { access } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/types.js';
import type { Extractor } from '../extractors/extraction.js';
import type { KnowledgeBaseEntry, SensayClient } from '../sensay/client.js';
import { createStatusPoller, pollPolicyFromConfig, type PollResult } from '../status/poller.js';
import { textCacheFor } from '../store/files/gzip-text-cache.js';
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
}

export interface ReconcileAllReport extends ReconcileReport {
  readonly replicas: number;
}

/** The one engine every front door drives; it decides nothing about *when* (that is the front door's). */
export interface Engine {
  readonly budget: UploadBudget;
  syncPass(options?: SyncPassOptions): Promise<SyncPassReport>;
  /** Adopts entries proven to hold a queued first upload, then runs every job runnable now (within the budget); never waits for a slot. */
  runJobs(options?: { signal?: AbortSignal; onProgress?: () => void }): Promise<RunSummary>;
  pollOnce(options?: { signal?: AbortSignal }): Promise<PollResult>;
  /**
   * Start-up check of every configured replica: the `pageSize=0` count proves the secret (throws
   * on 401/403) and, against the store, says whether one listing must repair drift (DESIGN §6).
   */
  reconcile(options?: { signal?: AbortSignal }): Promise<ReconcileAllReport>;
  summary(): Promise<EngineSummary>;
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
  const index = indexSources(sources);
  const texts = deps.texts ?? textCacheFor(config.state.path);
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
    fileExists: (doc: DocumentRecord) => fileExists(index.absolutePath(doc)),
    serverClock: () => api.serverClock(),
    onReady: (doc: DocumentRecord) => releaseText(store, texts, doc),
  });
  // Entries the start-up listing found unaccounted for, kept for adoption's proofs (saves a GET each).
  const listed = new Map<number, KnowledgeBaseEntry>();
  let closed: Promise<void> | undefined;

  return {
    budget,
    async syncPass(options = {}) {
      const report = await runSyncPass({ clock, store, extractor, log: root, config, texts }, options);
      if (report.dryRun) return report;
      await pruneHistory(store, config.state.retentionDays, clock.now(), log);
      const swept = await sweepTexts(store, texts);
      if (swept > 0) log.debug({ swept }, 'cached texts no document needs were removed');
      return report;
    },
    async runJobs(options = {}) {
      const adoption = await adoptPending({ clock, store, api, log: root, sources, extractor }, listed, options);
      const run = await runner.runUntilIdle(options);
      return { ...run, adopted: run.adopted + adoption.adopted };
    },
    pollOnce: (options = {}) => poller.pollOnce(options),
    async reconcile(options = {}) {
      const dead = await expireDeadLocalLeases({ store, now: clock.now() });
      if (dead.length > 0) log.warn({ owners: dead }, 'recovered the jobs of processes on this host that died holding them');
      const total = { ...emptyReconcileReport(), replicas: 0 };
      for (const replicaUUID of new Set(sources.map((source) => source.replicaUUID))) {
        const check = await reconcileReplica({ clock, store, api, log: root, sources }, replicaUUID, options);
        for (const key of ['adopted', 'deletedOrphans', 'requeued', 'listed', 'unknown'] as const) total[key] += check.report[key];
        total.replicas++;
        for (const entry of check.unknownEntries) listed.set(entry.id, entry);
      }
      return total;
    },
    summary: () => summariseState(store, budget, clock.now()),
    unadopted: () => listUnadopted(store, sources.map((source) => source.replicaUUID)),
    close() {
      closed ??= (async () => {
        await extractor.close?.();
        await api.close();
        await store.close();
      })();
      return closed;
    },
  };
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
