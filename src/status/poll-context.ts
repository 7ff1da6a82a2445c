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
