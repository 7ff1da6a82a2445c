import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSensayClient, type SensayClient } from '../../src/sensay/client.js';
import type { KnowledgeBaseEntry } from '../../src/sensay/types.js';
import { FakeClock } from '../support/fake-clock.js';
import { startStrictStubServer, type RecordedRequest, type StrictStubServer } from '../support/strict-stub-server.js';

const SECRET = 'canary-secret-entries';
const API_VERSION = '2025-03-25';
const REPLICA = '03db5651-cb61-4bdf-9ef0-89561f7c9c53';
const KB = `/v1/replicas/${REPLICA}/knowledge-base`;

function entry(id: number, extra: Record<string, unknown> = {}) {
  const at = new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString();
  return { id, replicaUUID: REPLICA, type: 'file', status: 'NEW', createdAt: at, updatedAt: at, title: `docs/${id}.pdf`, ...extra };
}

let api: StrictStubServer;
let client: SensayClient;

beforeEach(async () => {
  api = await startStrictStubServer({ secret: SECRET, apiVersion: API_VERSION });
  client = createSensayClient({
    baseUrl: api.url,
    apiVersion: API_VERSION,
    secret: SECRET,
    requestsPerMinute: 1000,
    clock: new FakeClock(0, { autoAdvance: true }),
    log: pino({ level: 'silent' }),
    random: () => 0.5,
  });
});

afterEach(async () => {
  await client.close();
  await api.close();
});

/** A list endpoint over `count` entries that pages the way the API does. */
function serveEntries(count: number): void {
  const all = Array.from({ length: count }, (_, i) => entry(i + 1));
  api.route('GET', KB, (request: RecordedRequest) => {
    const page = Number(request.query.get('page') ?? '1');
    const size = Number(request.query.get('pageSize') ?? '24');
    return { status: 200, json: { success: true, items: all.slice((page - 1) * size, page * size), total: all.length } };
  });
}

describe('listing', () => {
  it('iterates 250 entries at pageSize 100 in exactly 3 requests, oldest first', async () => {
    serveEntries(250);
    const seen: KnowledgeBaseEntry[] = [];
    for await (const item of client.iterateEntries(REPLICA, { status: ['NEW', 'FILE_UPLOADED'] })) seen.push(item);

    expect(seen.map((e) => e.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(api.requests).toHaveLength(3);
    expect(api.requests.map((r) => [r.query.get('page'), r.query.get('pageSize'), r.query.get('sortOrder'), r.query.get('status')])).toEqual([
      ['1', '100', 'asc', 'NEW,FILE_UPLOADED'],
      ['2', '100', 'asc', 'NEW,FILE_UPLOADED'],
      ['3', '100', 'asc', 'NEW,FILE_UPLOADED'],
    ]);
  });

  it('stops when the total is reached, without asking for an empty page', async () => {
    serveEntries(200);
    const pages: number[] = [];
    for await (const page of client.iterateEntryPages(REPLICA)) pages.push(page.items.length);
    expect(pages).toEqual([100, 100]);
    expect(api.requests).toHaveLength(2);
  });

  it('lists one page with its total', async () => {
    serveEntries(30);
    const page = await client.listEntries(REPLICA, { pageSize: 10, page: 2 });
    expect(page.total).toBe(30);
    expect(page.items.map((e) => e.id)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('counts entries with a single pageSize=0 request', async () => {
    serveEntries(1234);
    await expect(client.countEntries(REPLICA)).resolves.toBe(1234);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.query.get('pageSize')).toBe('0');
    expect(api.requests[0]?.query.has('page')).toBe(false);
  });

  it('keeps fields and statuses the schema does not know instead of rejecting the response', async () => {
    api.route('GET', KB, {
      status: 200,
      json: { success: true, items: [entry(1, { vectorEntryID: 'f1c1…', status: 'SOMETHING_NEW' })], total: 1 },
    });
    const page = await client.listEntries(REPLICA);
    expect(page.items[0]).toMatchObject({ id: 1, status: 'SOMETHING_NEW', vectorEntryID: 'f1c1…' });
    // The strict schema would have refused that response; the client did not.
    expect(api.responseProblems.length).toBeGreaterThan(0);
  });

  it('refuses a list response without the fields it relies on', async () => {
    api.route('GET', KB, { status: 200, json: { success: true, items: [{ title: 'no id' }] } });
    await expect(client.listEntries(REPLICA)).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 200 });
  });
});

describe('single entries', () => {
  it('getEntry returns the entry, without the envelope flag', async () => {
    api.route('GET', `${KB}/5`, { status: 200, json: { success: true, ...entry(5, { status: 'READY', rawText: 'hello' }) } });
    const found = await client.getEntry(REPLICA, 5);
    expect(found).toMatchObject({ id: 5, status: 'READY', rawText: 'hello' });
    expect(found).not.toHaveProperty('success');
  });

  it('getEntry returns null on 404', async () => {
    api.route('GET', `${KB}/5`, { status: 404, json: { success: false, error: 'Not found', request_id: 'r' } });
    await expect(client.getEntry(REPLICA, 5)).resolves.toBeNull();
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    [200, { success: true }, 'deleted'],
    [202, { success: true, message: 'Purging associated data within 24 h' }, 'accepted'],
    [404, { success: false, error: 'Not found', request_id: 'r' }, 'already-gone'],
  ] as const)('deleteEntry answered %i → %s', async (status, json, outcome) => {
    api.route('DELETE', `${KB}/5`, { status, json });
    await expect(client.deleteEntry(REPLICA, 5)).resolves.toBe(outcome);
    expect(api.requests).toHaveLength(1);
  });

  it('patchEntry sends the new title and throws NOT_FOUND for an unknown entry', async () => {
    api.route('PATCH', `${KB}/5`, { status: 200, json: { success: true } });
    api.route('PATCH', `${KB}/6`, { status: 404, json: { success: false, error: 'Not found', request_id: 'r' } });
    await expect(client.patchEntry(REPLICA, 5, { title: 'docs/moved.pdf' })).resolves.toBeUndefined();
    await expect(client.patchEntry(REPLICA, 6, { title: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(JSON.parse(api.requests[0]!.body.toString('utf8'))).toEqual({ title: 'docs/moved.pdf' });
  });

  it('getFileTypes returns the media groups', async () => {
    const mediaGroups = [{ label: 'Documents', mediaType: 'document', fileTypes: [{ mimeTypes: ['application/pdf'], extensions: ['.pdf'], supportLevel: 'production' }] }];
    api.route('GET', '/v1/knowledge-base/file-types', { status: 200, json: { success: true, mediaGroups } });
    await expect(client.getFileTypes()).resolves.toEqual(mediaGroups);
  });
});

describe('create results', () => {
  it('a file create returns the id and the signed URL', async () => {
    api.route('POST', KB, { status: 207, json: { success: true, results: [{ type: 'file', enqueued: true, knowledgeBaseID: 9, signedURL: 'https://storage.example/u?token=t' }] } });
    await expect(client.createEntry(REPLICA, { title: 'docs/a.pdf', filename: 'a.pdf' })).resolves.toEqual({
      ok: true,
      knowledgeBaseID: 9,
      signedURL: 'https://storage.example/u?token=t',
      type: 'file',
    });
  });

  it('a result with enqueued:false is a refusal value, not ambiguous', async () => {
    api.route('POST', KB, { status: 207, json: { success: false, results: [{ type: 'file', enqueued: false, error: 'Unsupported file type' }] } });
    await expect(client.createEntry(REPLICA, { title: 'a.exe', filename: 'a.exe' })).resolves.toEqual({
      ok: false,
      ambiguous: false,
      error: 'Unsupported file type',
      type: 'file',
    });
  });

  it('a 207 whose body cannot be read is ambiguous: something may have been created', async () => {
    api.route('POST', KB, { status: 207, body: '<html>proxy says hi</html>', headers: { 'content-type': 'text/html' } });
    const result = await client.createEntry(REPLICA, { title: 'a', text: 'x' });
    expect(result).toMatchObject({ ok: false, ambiguous: true, cause: { code: 'UNEXPECTED_RESPONSE', status: 207 } });
    expect(api.requests).toHaveLength(1);
  });
});

describe('array filter style', () => {
  it('switches to repeated keys for good when a server refuses a comma-separated status list', async () => {
    api.route('GET', KB, (request: RecordedRequest) => {
      const statuses = request.query.getAll('status');
      if (statuses.some((s) => s.includes(','))) {
        return { status: 400, json: { success: false, error: 'Invalid enum value', request_id: 'req-comma' } };
      }
      return { status: 200, json: { success: true, items: [entry(1)], total: statuses.length } };
    });

    const first = await client.listEntries(REPLICA, { status: ['NEW', 'READY'] });
    const second = await client.listEntries(REPLICA, { status: ['NEW', 'RAW_TEXT', 'READY'] });

    expect(first.total).toBe(2);
    expect(second.total).toBe(3);
    expect(api.requests.map((r) => r.query.getAll('status'))).toEqual([['NEW,READY'], ['NEW', 'READY'], ['NEW', 'RAW_TEXT', 'READY']]);
  });

  it('keeps a single-valued filter as one key and does not retry other 400s', async () => {
    api.route('GET', KB, { status: 400, json: { success: false, error: 'bad search', request_id: 'req-1' } });
    await expect(client.listEntries(REPLICA, { status: ['NEW'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(api.requests).toHaveLength(1);
  });
});
