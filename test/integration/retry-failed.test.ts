import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDocumentPaths, retryFailed } from '../../src/engine/retry-failed.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import type { DocumentRecord } from '../../src/store/store.js';
import { expectOk, queuedCreate, readyDocument, REPLICA_A, REPLICA_B, T0, uploadClaimInput } from '../contract/store-contract-fixtures.js';
import { FakeClock } from '../support/fake-clock.js';

let dir: string;
let store: SqliteStore;
const clock = new FakeClock(T0 + 60_000);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'retry-'));
  store = await openSqliteStore({ path: join(dir, 'state.db') });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const UNPROCESSABLE = { message: 'Sensay could not process this file', code: 'UNPROCESSABLE', requestId: 'req-1' };

/** Takes an upload through claim → entry → processing → failed, then forgets the deleted entry. */
async function failUpload(relPath: string, entryId: number, options: { sourceName?: string; replicaUUID?: string } = {}) {
  const claim = await store.claimUpload({ ...uploadClaimInput('setup', T0, { limit: 10_000 }), scope: 'setup' });
  if (!claim.ok) throw new Error(`claim refused: ${claim.reason}`);
  expect(claim.document.relPath).toBe(relPath);
  expect(claim.document.sourceName).toBe(options.sourceName ?? 'docs');
  expectOk(await store.recordEntryCreated(claim.document.id, entryId, T0));
  expectOk(await store.markProcessing(claim.document.id, entryId, T0));
  expectOk(await store.markFailed(claim.document.id, UNPROCESSABLE, T0));
  const forgot = await store.forgetEntry(claim.document.id, entryId, T0);
  expectOk(forgot);
  return forgot.document;
}

async function failedDocument(relPath: string, entryId: number, options: { sourceName?: string; replicaUUID?: string } = {}): Promise<DocumentRecord> {
  await queuedCreate(store, relPath, options);
  return failUpload(relPath, entryId, options);
}

const SOURCES = () => [
  { name: 'docs', path: join(dir, 'docs') },
  { name: 'wiki', path: join(dir, 'wiki') },
];

describe('retryFailed on a real SQLite store', () => {
  it('re-queues every failed document with its attempts and last error reset; others are untouched', async () => {
    const failed = await failedDocument('broken.txt', 11);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, lastError: { code: 'UNPROCESSABLE' } });
    await readyDocument(store, 'fine.md', 12);

    const report = await retryFailed({ store, clock });

    expect(report.requeued.map((r) => [r.document.relPath, r.kind, r.attemptsBefore])).toEqual([['broken.txt', 'create', 1]]);
    const after = await store.getDocumentByPath('docs', 'broken.txt');
    expect(after).toMatchObject({ state: 'queued', attempts: 0, lastError: null });
    const jobs = await store.listJobs({ documentId: failed.id, states: ['queued'] });
    expect(jobs.map((j) => j.kind)).toEqual(['create']);
    expect(await store.getDocumentByPath('docs', 'fine.md')).toMatchObject({ state: 'ready', entryId: 12 });
  });

  it('re-queues a failed replace as a replace, keeping the live predecessor until the successor is READY', async () => {
    const ready = await readyDocument(store, 'guide.pdf', 21);
    expectOk(await store.queueUpload({ documentId: ready.id, kind: 'replace', now: T0 }));
    const failed = await failUpload('guide.pdf', 22);
    expect(failed).toMatchObject({ state: 'failed', previousEntryId: 21 });

    const report = await retryFailed({ store, clock });

    expect(report.requeued.map((r) => r.kind)).toEqual(['replace']);
    expect(await store.getDocument(ready.id)).toMatchObject({ state: 'queued', attempts: 0, previousEntryId: 21 });
  });

  it('with documents named, re-queues only those', async () => {
    await failedDocument('a.txt', 31);
    await failedDocument('b.txt', 32);
    const resolved = await resolveDocumentPaths(store, SOURCES(), ['b.txt'], dir);
    const named = resolved.flatMap((r) => (r.ok ? [r.document] : []));

    const report = await retryFailed({ store, clock }, named);

    expect(report.requeued.map((r) => r.document.relPath)).toEqual(['b.txt']);
    expect(await store.getDocumentByPath('docs', 'a.txt')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await store.getDocumentByPath('docs', 'b.txt')).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('a named document that is not failed is reported, not touched', async () => {
    const ready = await readyDocument(store, 'fine.md', 41);
    const report = await retryFailed({ store, clock }, [ready]);
    expect(report.requeued).toEqual([]);
    expect(report.notFailed.map((n) => n.state)).toEqual(['ready']);
    expect(await store.getDocument(ready.id)).toMatchObject({ state: 'ready', entryId: 41 });
  });

  it('resumes replicas paused by a quota: all of them, or only those of the documents named', async () => {
    const doc = await failedDocument('a.txt', 51, { replicaUUID: REPLICA_B });
    await store.pauseReplica(REPLICA_A, 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED', null);
    await store.pauseReplica(REPLICA_B, 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED', null);

    const named = await retryFailed({ store, clock }, [doc]);
    expect(named.resumed.map((p) => p.replicaUUID)).toEqual([REPLICA_B]);
    expect((await store.pausedReplicas()).map((p) => p.replicaUUID)).toEqual([REPLICA_A]);

    const all = await retryFailed({ store, clock });
    expect(all.resumed.map((p) => p.replicaUUID)).toEqual([REPLICA_A]);
    expect(await store.pausedReplicas()).toEqual([]);
  });
});

describe('resolveDocumentPaths', () => {
  it('accepts a path as status shows it, prefixed with its source name, or a file on disk inside the source', async () => {
    const doc = await failedDocument('sub/broken.txt', 61);
    const args = ['sub/broken.txt', 'docs/sub/broken.txt', join(dir, 'docs', 'sub', 'broken.txt'), './sub/broken.txt', 'broken.txt'];
    const resolved = await resolveDocumentPaths(store, SOURCES(), args, join(dir, 'docs', 'sub'));
    expect(resolved.map((r) => (r.ok ? r.document.id : r.reason))).toEqual([doc.id, doc.id, doc.id, doc.id, doc.id]);
  });

  it('names an unknown path', async () => {
    await failedDocument('broken.txt', 71);
    const [result] = await resolveDocumentPaths(store, SOURCES(), ['nope.txt'], dir);
    expect(result).toMatchObject({ ok: false, reason: 'UNKNOWN_PATH', arg: 'nope.txt', detail: expect.stringContaining('"nope.txt"') });
  });

  it('asks for the source name when a path exists in two sources', async () => {
    await failedDocument('same.txt', 81);
    await failedDocument('same.txt', 82, { sourceName: 'wiki' });
    const [result] = await resolveDocumentPaths(store, SOURCES(), ['same.txt'], dir);
    expect(result).toMatchObject({ ok: false, reason: 'AMBIGUOUS_PATH', detail: expect.stringMatching(/docs\/same\.txt, wiki\/same\.txt/) });
    const [prefixed] = await resolveDocumentPaths(store, SOURCES(), ['wiki/same.txt'], dir);
    expect(prefixed).toMatchObject({ ok: true, document: { sourceName: 'wiki' } });
  });
});
