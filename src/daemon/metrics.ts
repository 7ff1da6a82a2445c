/**
 * The daemon's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * two daemons in one process — tests — do not collide). Counters are fed by the daemon loop's
 * observer and the API error hook; gauges of the durable state are read at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { EngineSummary } from '../engine/create-engine.js';
import type { OrganisationView } from '../hosts/host-view.js';
import type { SensayApiError } from '../sensay/errors.js';
import type { PollResult } from '../status/poller.js';
import { DOCUMENT_STATES } from '../store/documents.js';
import type { RunSummary } from '../uploader/index.js';

export const METRIC_PREFIX = 'sensay_ingest_';

export interface DaemonMetrics {
  readonly contentType: string;
  recordJobs(run: RunSummary): void;
  recordPoll(poll: PollResult, at: number): void;
  recordPass(): void;
  recordApiError(error: SensayApiError): void;
  /**
   * The exposition text, with the state gauges read from `summary` now, and with `organisation`
   * the documents of every host by source and the host that owns it (issue 10 §6).
   */
  render(summary: EngineSummary, organisation?: OrganisationView): Promise<string>;
}

export interface DaemonMetricsOptions {
  /** Adds Node's process metrics (RSS, CPU, event-loop lag). Default true. */
  readonly processMetrics?: boolean;
}

export function createDaemonMetrics(options: DaemonMetricsOptions = {}): DaemonMetrics {
  const registry = new Registry();
  const registers = [registry];
  // A coarse event-loop sample (100 ms, not 10 ms) keeps an idle daemon idle.
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX, eventLoopMonitoringPrecision: 100 });
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;

  const documents = new Gauge({ name: name('documents'), help: 'Documents by lifecycle state', labelNames: ['state'], registers });
  const bySource = new Gauge({
    name: name('source_documents'),
    help: 'Documents of every host by source, the host holding the source, and lifecycle state',
    labelNames: ['source', 'host', 'state'],
    registers,
  });
  const budgetRemaining = new Gauge({ name: name('budget_remaining'), help: 'Uploads left in the current sliding hour', registers });
  const budgetLimit = new Gauge({ name: name('budget_limit'), help: 'Uploads allowed per sliding hour', registers });
  const queued = new Gauge({ name: name('queued_uploads'), help: 'Upload jobs queued or running', registers });
  const lastPoll = new Gauge({ name: name('last_successful_poll_timestamp_seconds'), help: 'When a status poll last reached every replica', registers });
  const uploads = new Counter({ name: name('uploads_total'), help: 'Entries created and their bytes uploaded', registers });
  const recreates = new Counter({ name: name('recreates_total'), help: 'Errored or stuck entries queued for re-creation', registers });
  const deletes = new Counter({ name: name('deletes_total'), help: 'Entries deleted because their file went away', registers });
  const renames = new Counter({ name: name('renames_total'), help: 'Entries retitled after a move or rename', registers });
  const updates = new Counter({ name: name('in_place_updates_total'), help: 'Text entries whose text was patched in place (no upload slot)', registers });
  const failures = new Counter({ name: name('upload_failures_total'), help: 'Uploads that failed for good', registers });
  const ready = new Counter({ name: name('ready_total'), help: 'Entries seen becoming READY', registers });
  const passes = new Counter({ name: name('sync_passes_total'), help: 'Scan, extract and plan passes run', registers });
  const apiErrors = new Counter({
    name: name('api_errors_total'),
    help: 'API calls that failed after retries, by HTTP status ("none": no answer) and error code',
    labelNames: ['status', 'code'],
    registers,
  });

  return {
    contentType: registry.contentType,
    recordJobs(run) {
      uploads.inc(run.uploaded);
      deletes.inc(run.deleted);
      renames.inc(run.renamed);
      updates.inc(run.updated);
      failures.inc(run.failed);
    },
    recordPoll(poll, at) {
      recreates.inc(poll.recreatesQueued);
      ready.inc(poll.ready);
      if (poll.replicasSkipped === 0) lastPoll.set(at / 1000);
    },
    recordPass: () => passes.inc(),
    recordApiError(error) {
      apiErrors.inc({ status: error.status === undefined ? 'none' : String(error.status), code: error.code });
    },
    async render(summary, organisation) {
      for (const state of DOCUMENT_STATES) documents.set({ state }, summary.documents[state]);
      bySource.reset();
      for (const view of organisation?.bySource ?? []) {
        for (const state of DOCUMENT_STATES) bySource.set({ source: view.source, host: view.host ?? '', state }, view.documents[state]);
      }
      budgetRemaining.set(summary.budget.remaining);
      budgetLimit.set(summary.budget.limit);
      queued.set(summary.queuedUploads);
      return registry.metrics();
    },
  };
}
