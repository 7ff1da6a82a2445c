import type { KnowledgeBaseEntry } from '../sensay/types.js';
import type { DocumentRecord, LastError } from '../store/store.js';
import { locateEntries } from './entry-locator.js';
import { normaliseStatus, type NormalisedStatus } from './normalise-status.js';
import { countingApi, guarded, pollLeasesOf, type PollContext } from './poll-context.js';
import { finishInterrupted } from './poll-sweeps.js';
import { emptyPollResult, type PollResult, type StatusPollerDeps } from './poll-types.js';
import { settleErrored } from './settle-errored.js';
import { ENTRY_ERROR_CODE, settleGone, settleReady, settleUnprocessable, STUCK_CODE, UNPROCESSABLE_CODE } from './settle-outcomes.js';
import { isStuck, stuckAt } from './stuck.js';

export type * from './poll-types.js';
export { pollPolicyFromConfig, emptyPollResult } from './poll-types.js';

export interface StatusPoller {
  /**
   * One cycle over every replica with documents in `processing` (documents still `uploading`
   * are the uploader's). Rejects only when `signal` aborts; API failures are counted
   * (`replicasSkipped`, `deferred`) and retried next cycle.
   */
  pollOnce(options?: { signal?: AbortSignal }): Promise<PollResult>;
}

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_CREATION_SLACK_MS = 15 * 60_000;

export function createStatusPoller(deps: StatusPollerDeps): StatusPoller {
  checkDeps(deps);
  const log = deps.log.child({ component: 'status-poller' });
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  const slackMs = deps.creationSlackMs ?? DEFAULT_CREATION_SLACK_MS;
  // Once per value for the poller's lifetime: a daemon polling every minute must not repeat it.
  const warnedStatuses = new Set<string>();

  async function pollReplica(ctx: PollContext, replicaUUID: string, docs: readonly DocumentRecord[]): Promise<void> {
    const tracked = new Map<number, DocumentRecord>();
    for (const doc of docs) {
      if (doc.entryId === null) await guarded(ctx, doc, () => settleGone(ctx, doc, null));
      else tracked.set(doc.entryId, doc);
    }
    if (tracked.size === 0) return;
    let sightings;
    try {
      sightings = await locateEntries(ctx.api, replicaUUID, [...tracked.keys()], {
        pageSize,
        signal: ctx.signal,
        createdNotBefore: (ids) => oldestCreation(ctx, ids.map((id) => tracked.get(id)).filter((d) => d !== undefined), slackMs),
      });
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      ctx.result.replicasSkipped++;
      log.warn({ err, replicaUUID }, 'could not list entries; the replica is polled again next cycle');
      return;
    }
    for (const [entryId, doc] of tracked) {
      ctx.signal?.throwIfAborted();
      const entry = sightings.get(entryId);
      if (entry === undefined) continue;
      ctx.result.checked++;
      await guarded(ctx, doc, () => settle(ctx, doc, entryId, entry));
    }
  }

  async function settle(ctx: PollContext, doc: DocumentRecord, entryId: number, entry: KnowledgeBaseEntry | null): Promise<void> {
    if (entry === null) return settleGone(ctx, doc, entryId);
    const status = normaliseStatus(entry);
    if (status.unknown) await noteUnknownStatus(ctx, doc, status);
    switch (status.state) {
      case 'ready':
        return settleReady(ctx, doc, entryId);
      case 'errored':
        return settleErrored(ctx, doc, entryId, entryError(entryId, status, ENTRY_ERROR_CODE));
      case 'failed':
        return settleUnprocessable(ctx, doc, entryId, entryError(entryId, status, UNPROCESSABLE_CODE));
      case 'processing': {
        const now = deps.clock.now();
        if (!isStuck({ stateSince: doc.stateSince, now, stuckAfterMinutes: deps.stuckAfterMinutes })) return;
        ctx.result.stuck++;
        const message = `entry ${entryId} stuck in ${status.status} for more than ${deps.stuckAfterMinutes} minutes`;
        return settleErrored(ctx, doc, entryId, { message, code: STUCK_CODE, step: 'processing' });
      }
    }
  }

  async function noteUnknownStatus(ctx: PollContext, doc: DocumentRecord, status: NormalisedStatus): Promise<void> {
    ctx.result.unknownStatuses++;
    if (warnedStatuses.has(status.status)) return;
    warnedStatuses.add(status.status);
    log.warn({ status: status.status, documentId: doc.id, entryId: doc.entryId }, 'unknown entry status; treating it as processing');
    await deps.store.appendEvent({
      at: deps.clock.now(),
      type: 'poll.unknown-status',
      documentId: doc.id,
      detail: { status: status.status, entryId: doc.entryId },
    });
  }

  return {
    async pollOnce(options = {}) {
      const result = emptyPollResult();
      const ctx: PollContext = { deps, api: countingApi(deps.api, result), log, result, signal: options.signal, polls: pollLeasesOf(deps, log) };
      ctx.signal?.throwIfAborted();
      await finishInterrupted(ctx);
      const byReplica = new Map<string, DocumentRecord[]>();
      for (const doc of await deps.store.listDocuments({ states: ['processing'] })) {
        const list = byReplica.get(doc.replicaUUID) ?? [];
        list.push(doc);
        byReplica.set(doc.replicaUUID, list);
      }
      for (const [replicaUUID, docs] of byReplica) {
        ctx.signal?.throwIfAborted();
        if (!(await ctx.polls(replicaUUID))) continue;
        await pollReplica(ctx, replicaUUID, docs);
      }
      log.debug({ ...result }, 'poll cycle done');
      return result;
    },
  };
}

/** The entry's own error (message and fingerprint kept verbatim), or a description of its status. */
function entryError(entryId: number, status: NormalisedStatus, code: string): LastError {
  const message = status.error?.message ?? `entry ${entryId} reported status ${status.status}`;
  const error: LastError = { message, code, step: 'processing' };
  if (status.error?.fingerprint !== undefined) error.fingerprint = status.error.fingerprint;
  return error;
}

/**
 * A time, on the server's clock, no later than the server's `createdAt` of any of these entries:
 * our record of each create (the `entry-created` event, written when the POST answered) moved
 * onto the server's clock by the offset seen in `Date`, minus its margin and the slack. A
 * document with no such event falls back to its discovery, which precedes any upload of it.
 */
async function oldestCreation(ctx: PollContext, docs: readonly DocumentRecord[], slackMs: number): Promise<number> {
  let oldest = Infinity;
  for (const doc of docs) {
    const events = await ctx.deps.store.listEvents({ documentId: doc.id, types: ['entry-created'], newestFirst: true, limit: 10 });
    const created = events.find((e) => e.detail?.entryId === doc.entryId);
    oldest = Math.min(oldest, created?.at ?? doc.discoveredAt);
  }
  const offset = ctx.deps.serverClock?.() ?? { offsetMs: 0, marginMs: 0 };
  return oldest + offset.offsetMs - offset.marginMs - slackMs;
}

function checkDeps(deps: StatusPollerDeps): void {
  const { maxAttempts, recreateBackoffSeconds, stuckAfterMinutes } = deps;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`Expected \`maxAttempts\` to be an integer >= 1, got \`${maxAttempts}\``);
  }
  if (!Number.isFinite(recreateBackoffSeconds) || recreateBackoffSeconds < 0) {
    throw new RangeError(`Expected \`recreateBackoffSeconds\` to be a finite number >= 0, got \`${recreateBackoffSeconds}\``);
  }
  stuckAt(0, stuckAfterMinutes);
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new RangeError(`Expected \`pageSize\` to be an integer from 1 to 100, got \`${pageSize}\``);
  }
}
