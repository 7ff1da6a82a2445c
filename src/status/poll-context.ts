import type { Logger } from 'pino';
import type { DocumentRecord } from '../store/store.js';
import type { PollerApi, PollResult, StatusPollerDeps } from './poll-types.js';

/** What every step of one poll cycle shares. `api` counts its requests into `result`. */
export interface PollContext {
  deps: StatusPollerDeps;
  api: PollerApi;
  log: Logger;
  result: PollResult;
  signal: AbortSignal | undefined;
  /** Whether this cycle handles the replica's documents (its poll lease), asked once per replica. */
  polls(replicaUUID: string): Promise<boolean>;
}

/** `mayPoll` asked at most once per replica for one cycle; a store that cannot answer means "not now". */
export function pollLeasesOf(deps: StatusPollerDeps, log: Logger): (replicaUUID: string) => Promise<boolean> {
  const answers = new Map<string, Promise<boolean>>();
  return (replicaUUID) => {
    if (!deps.mayPoll) return Promise.resolve(true);
    let answer = answers.get(replicaUUID);
    if (!answer) {
      answer = deps.mayPoll(replicaUUID).catch((err: unknown) => {
        log.warn({ err, replicaUUID }, 'could not claim the poll lease; the replica is polled next cycle');
        return false;
      });
      answers.set(replicaUUID, answer);
    }
    return answer;
  };
}

export function countingApi(api: PollerApi, result: PollResult): PollerApi {
  return {
    listEntries: (...args) => {
      result.requests++;
      return api.listEntries(...args);
    },
    getEntry: (...args) => {
      result.requests++;
      return api.getEntry(...args);
    },
    deleteEntry: (...args) => {
      result.requests++;
      return api.deleteEntry(...args);
    },
  };
}

/**
 * Runs one document's handling. An API failure (5xx after retries, a long 429) leaves the
 * document where the store has it, and the next cycle picks it up again: every step is a
 * store transition that is safe to repeat.
 */
export async function guarded(ctx: PollContext, doc: DocumentRecord, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    ctx.result.deferred++;
    ctx.log.warn({ err, documentId: doc.id, relPath: doc.relPath, entryId: doc.entryId }, 'status handling deferred to the next poll');
  }
}
