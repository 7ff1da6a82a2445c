import { afterEach, describe, expect, it } from 'vitest';
import {
  addDocument,
  document,
  entriesTitled,
  liveEntries,
  MINUTE,
  REPLICA,
  requestsDuring,
  runUntilSettled,
  SECOND,
  startHarness,
  uploadDue,
  type Harness,
  type HarnessOptions,
} from './poller-support.js';

let h: Harness | undefined;

async function boot(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const deletesIn = (requests: { method: string }[]) => requests.filter((r) => r.method === 'DELETE').length;

describe('status poller on the simulator: outcomes', () => {
  it('marks a document ready once its entry is READY, and not before', async () => {
    const h = await boot();
    const doc = await addDocument(h, 'docs/plain.txt');
    const [entryId] = await uploadDue(h);

    await h.clock.advance(3.5 * SECOND); // VECTOR_CREATED: usable, not yet READY
    const early = await h.poller.pollOnce();
    expect(early).toMatchObject({ checked: 1, ready: 0 });
    expect((await document(h, doc.id)).state).toBe('processing');

    await h.clock.advance(SECOND);
    const done = await h.poller.pollOnce();
    expect(done).toMatchObject({ checked: 1, ready: 1, errored: 0, failed: 0 });
    expect(await document(h, doc.id)).toMatchObject({ state: 'ready', entryId, attempts: 1 });
    expect(liveEntries(h).map((e) => [e.id, e.status])).toEqual([[entryId, 'READY']]);
  });

  it('errors twice then READY: 3 creates and 2 deletes overall, ready, with backoff between creates', async () => {
    const h = await boot({ sim: { failures: [{ match: 'flaky.txt', errorTimes: 2 }] }, recreateBackoffSeconds: 5 });
    const doc = await addDocument(h, 'docs/flaky.txt');

    const { value: settled, requests } = await requestsDuring(h, () => runUntilSettled(h, doc.id));

    expect(settled).toMatchObject({ state: 'ready', attempts: 3, lastError: null });
    expect(entriesTitled(h, 'docs/flaky.txt').map((e) => e.deleted)).toEqual([true, true, false]);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(3);
    expect(deletesIn(requests)).toBe(2);
    const requeues = await h.store.listEvents({ documentId: doc.id, types: ['requeued'] });
    expect(requeues.map((e) => Number(e.detail?.notBefore) - e.at)).toEqual([5 * SECOND, 10 * SECOND]);
  });

  it('fails an UNPROCESSABLE entry at once: 1 create, never recreated, the junk entry deleted', async () => {
    const h = await boot({ sim: { failures: [{ match: 'scan.txt', unprocessable: true, message: 'no text layer' }] } });
    const doc = await addDocument(h, 'docs/scan.txt');

    const settled = await runUntilSettled(h, doc.id);
    for (let i = 0; i < 3; i++) {
      await uploadDue(h);
      await h.clock.advance(MINUTE);
      await h.poller.pollOnce();
    }

    const [entry] = entriesTitled(h, 'docs/scan.txt');
    expect(entriesTitled(h, 'docs/scan.txt')).toHaveLength(1);
    expect(entry?.deleted).toBe(true);
    expect(settled).toMatchObject({ state: 'failed', attempts: 1, entryId: null });
    expect(settled.lastError).toMatchObject({ message: 'no text layer', code: 'UNPROCESSABLE', fingerprint: entry?.error?.fingerprint });
    const failed = await h.store.listEvents({ documentId: doc.id, types: ['poll.failed'] });
    expect(failed.map((e) => e.detail?.reason)).toEqual(['UNPROCESSABLE']);
  });

  it('errors forever: maxAttempts creates, then failed with the last error message and fingerprint', async () => {
    const h = await boot({ sim: { failures: [{ match: 'broken.txt', message: 'embedding failed' }] }, maxAttempts: 3 });
    const doc = await addDocument(h, 'docs/broken.txt');

    const settled = await runUntilSettled(h, doc.id);
    await uploadDue(h);

    const entries = entriesTitled(h, 'docs/broken.txt');
    expect(entries).toHaveLength(3);
    expect(entries.every((e) => e.deleted)).toBe(true);
    const lastFingerprint = entries.at(-1)?.error?.fingerprint;
    expect(lastFingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(lastFingerprint).not.toBe(entries[0]?.error?.fingerprint);
    expect(settled).toMatchObject({ state: 'failed', attempts: 3, entryId: null, previousEntryId: null });
    expect(settled.lastError).toEqual({ message: 'embedding failed', code: 'ENTRY_ERROR', fingerprint: lastFingerprint, step: 'processing' });
    expect(await h.store.listJobs({ documentId: doc.id, states: ['queued', 'running'] })).toEqual([]);
  });

  it('treats an entry processing past stuckAfterMinutes as errored: deleted and recreated', async () => {
    const h = await boot({ sim: { failures: [{ match: 'slow.txt', stuck: true, errorTimes: 1 }] }, stuckAfterMinutes: 2 });
    const doc = await addDocument(h, 'docs/slow.txt');
    const [stuckId] = await uploadDue(h);

    await h.clock.advance(2 * MINUTE); // exactly at the limit: still given its chance
    expect(await h.poller.pollOnce()).toMatchObject({ stuck: 0, errored: 0 });
    await h.clock.advance(SECOND);
    expect(await h.poller.pollOnce()).toMatchObject({ stuck: 1, errored: 1, recreatesQueued: 1 });

    const errored = await h.store.listEvents({ documentId: doc.id, types: ['errored'] });
    expect(errored[0]?.detail).toMatchObject({ entryId: stuckId, code: 'STUCK' });
    const settled = await runUntilSettled(h, doc.id);
    expect(settled).toMatchObject({ state: 'ready', attempts: 2 });
    expect(entriesTitled(h, 'docs/slow.txt').map((e) => e.deleted)).toEqual([true, false]);
  });
});

describe('status poller on the simulator: entries that vanish', () => {
  it('re-queues a document whose entry was deleted behind our back while its file exists (counts as an attempt)', async () => {
    const h = await boot();
    const doc = await addDocument(h, 'docs/kept.txt');
    const [first] = await uploadDue(h);
    await h.api.deleteEntry(REPLICA, first ?? -1);

    const result = await h.poller.pollOnce();

    expect(result).toMatchObject({ gone: 1, recreatesQueued: 1, errored: 0 });
    const queued = await document(h, doc.id);
    expect(queued).toMatchObject({ state: 'queued', entryId: null, attempts: 1 });
    expect(queued.lastError?.code).toBe('ENTRY_GONE');
    expect((await h.store.listJobs({ documentId: doc.id, states: ['queued'] })).map((j) => j.kind)).toEqual(['recreate']);
    expect(await runUntilSettled(h, doc.id)).toMatchObject({ state: 'ready', attempts: 2 });
  });

  it('forgets a document whose entry and file are both gone; two vanished entries cost one walk and GETs', async () => {
    const h = await boot();
    const a = await addDocument(h, 'docs/a.txt');
    const b = await addDocument(h, 'docs/b.txt');
    const ids = await uploadDue(h);
    for (const id of ids) await h.api.deleteEntry(REPLICA, id);
    h.files.delete('docs/a.txt');

    const { value: result, requests } = await requestsDuring(h, () => h.poller.pollOnce());

    expect(result).toMatchObject({ gone: 2, recreatesQueued: 1 });
    expect(await document(h, a.id)).toMatchObject({ state: 'gone', entryId: null });
    expect(await document(h, b.id)).toMatchObject({ state: 'queued' });
    // processing list, hasError list, terminal list, then one GET (404) per vanished entry
    expect(requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'GET']);
    expect(requests.filter((r) => /\/knowledge-base\/\d+$/.test(r.path))).toHaveLength(2);
  });
});

describe('status poller on the simulator: replace', () => {
  it('deletes the predecessor only once the successor is READY (not at VECTOR_CREATED)', async () => {
    const h = await boot();
    const doc = await addDocument(h, 'docs/v.txt');
    const first = await runUntilSettled(h, doc.id);
    const predecessor = first.entryId;
    await h.store.queueUpload({ documentId: doc.id, kind: 'replace', version: versionTwo(), now: h.clock.now() });
    const [successor] = await uploadDue(h);
    expect(await document(h, doc.id)).toMatchObject({ entryId: successor, previousEntryId: predecessor });

    await h.clock.advance(3.5 * SECOND);
    expect(await h.poller.pollOnce()).toMatchObject({ predecessorsDeleted: 0 });
    expect(liveEntries(h).map((e) => [e.id, e.status])).toEqual([
      [predecessor, 'READY'],
      [successor, 'VECTOR_CREATED'],
    ]);

    await h.clock.advance(SECOND);
    expect(await h.poller.pollOnce()).toMatchObject({ ready: 1, predecessorsDeleted: 1 });
    expect(liveEntries(h).map((e) => e.id)).toEqual([successor]);
    expect(await document(h, doc.id)).toMatchObject({ state: 'ready', entryId: successor, previousEntryId: null });
  });

  it('keeps the predecessor live when the successor fails for good, and says so', async () => {
    const h = await boot({ sim: { failures: [{ match: /\(v2\)$/, message: 'vectoriser down' }] }, maxAttempts: 2 });
    const doc = await addDocument(h, 'docs/w.txt');
    const predecessor = (await runUntilSettled(h, doc.id)).entryId;
    await h.store.queueUpload({ documentId: doc.id, kind: 'replace', version: versionTwo(), now: h.clock.now() });

    for (let i = 0; i < 20 && (await document(h, doc.id)).state !== 'failed'; i++) {
      await uploadDue(h, (d) => `${d.relPath} (v2)`);
      await h.clock.advance(10 * SECOND);
      await h.poller.pollOnce();
    }

    const failed = await document(h, doc.id);
    expect(failed).toMatchObject({ state: 'failed', attempts: 2, entryId: null, previousEntryId: predecessor });
    expect(failed.lastError?.message).toBe('vectoriser down');
    expect(liveEntries(h).map((e) => [e.id, e.status])).toEqual([[predecessor, 'READY']]);
    const events = await h.store.listEvents({ documentId: doc.id, types: ['poll.failed'] });
    expect(events.map((e) => e.detail?.summary)).toEqual(['failed (previous version still live)']);
  });
});

function versionTwo() {
  return { size: 202, mtimeMs: 2, kind: 'txt', sha256: 'b'.repeat(64), textHash: 'c'.repeat(64), warnings: [] };
}
