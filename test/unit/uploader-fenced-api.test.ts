import { describe, expect, it } from 'vitest';
import type { SensayClient } from '../../src/sensay/client.js';
import { fencedApi } from '../../src/uploader/fenced-api.js';
import { LeaseLostError } from '../../src/uploader/lease-keeper.js';

/** A client whose requests only count; the lease is lost after `heldFor` checks. */
function world(heldFor: number) {
  const sent: string[] = [];
  let checks = 0;
  const keeper = {
    async ensureHeld() {
      checks++;
      if (checks > heldFor) throw new LeaseLostError({ jobId: 7, owner: 'w1', generation: 1 });
    },
  };
  const request = (name: string) => async () => {
    sent.push(name);
    return null;
  };
  const api = {
    getEntry: request('getEntry'),
    deleteEntry: request('deleteEntry'),
    listEntries: request('listEntries'),
    countEntries: request('countEntries'),
    createEntry: request('createEntry'),
    uploadFile: request('uploadFile'),
    patchEntry: request('patchEntry'),
    downloadDigest: request('downloadDigest'),
    async *iterateEntries() {
      sent.push('iterateEntries');
      yield* [];
    },
    iterateEntryPages: () => (async function* () {})(),
    getFileTypes: request('getFileTypes'),
    serverClock: () => ({ offsetMs: 0, marginMs: 0 }),
    close: async () => undefined,
  } as unknown as SensayClient;
  return { api: fencedApi(api, keeper), sent };
}

describe('fencedApi', () => {
  it('checks the lease before every request and stops at the first one after the lease is lost', async () => {
    const { api, sent } = world(2);
    await api.getEntry('r', 1);
    await api.deleteEntry('r', 1);
    await expect(api.deleteEntry('r', 2)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(api.listEntries('r')).rejects.toBeInstanceOf(LeaseLostError);
    expect(sent).toEqual(['getEntry', 'deleteEntry']);
  });

  it('checks before a listing starts, and leaves the local clock estimate alone', async () => {
    const { api, sent } = world(0);
    const listing = api.iterateEntries('r')[Symbol.asyncIterator]();
    await expect(listing.next()).rejects.toBeInstanceOf(LeaseLostError);
    expect(sent).toEqual([]);
    expect(api.serverClock()).toEqual({ offsetMs: 0, marginMs: 0 });
  });
});
