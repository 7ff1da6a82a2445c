/**
 * The API as a leased job sees it: every request first proves, in the store, that the job's lease
 * is still ours (`LeaseKeeper.ensureHeld`, which throws `LeaseLostError` otherwise). Reconciliation
 * makes several requests in a row; with this client a worker taken over in between stops before
 * the next one instead of deleting or adopting on a stale view.
 */
import type { SensayClient } from '../sensay/client.js';
import type { LeaseKeeper } from './lease-keeper.js';

export function fencedApi(api: SensayClient, keeper: Pick<LeaseKeeper, 'ensureHeld'>): SensayClient {
  const held = <A extends unknown[], R>(request: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await keeper.ensureHeld();
      return request(...args);
    };
  return {
    ...api,
    createEntry: held(api.createEntry.bind(api)),
    uploadFile: held(api.uploadFile.bind(api)),
    getEntry: held(api.getEntry.bind(api)),
    listEntries: held(api.listEntries.bind(api)),
    countEntries: held(api.countEntries.bind(api)),
    deleteEntry: held(api.deleteEntry.bind(api)),
    patchEntry: held(api.patchEntry.bind(api)),
    downloadDigest: held(api.downloadDigest.bind(api)),
    async *iterateEntries(...args: Parameters<SensayClient['iterateEntries']>) {
      await keeper.ensureHeld();
      yield* api.iterateEntries(...args);
    },
    iterateEntryPages: api.iterateEntryPages.bind(api),
    getFileTypes: api.getFileTypes.bind(api),
    serverClock: api.serverClock.bind(api),
    close: api.close.bind(api),
  };
}
