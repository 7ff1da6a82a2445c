import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSensayClient, type SensayClient, type SensayClientOptions } from '../../src/sensay/client.js';
import { SensayApiError } from '../../src/sensay/errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { startStrictStubServer, type RecordedRequest, type StrictStubServer } from '../support/strict-stub-server.js';

const SECRET = 'canary-secret-4f1d9b7e-DO-NOT-LEAK';
const API_VERSION = '2025-03-25';
const REPLICA = '03db5651-cb61-4bdf-9ef0-89561f7c9c53';
const KB = `/v1/replicas/${REPLICA}/knowledge-base`;
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

function entry(id: number, extra: Record<string, unknown> = {}) {
  const at = '2026-01-01T00:00:00.000Z';
  return { id, replicaUUID: REPLICA, type: 'file', status: 'READY', createdAt: at, updatedAt: at, title: `docs/${id}.pdf`, ...extra };
}

/** Header names exactly as they went over the wire. */
function sentHeaders(request: RecordedRequest): Record<string, string> {
  return Object.fromEntries(request.rawHeaders);
}

let api: StrictStubServer;
let storage: StrictStubServer;
let client: SensayClient;
let logLines: string[];
let dir: string;

function makeClient(overrides: Partial<SensayClientOptions> = {}): SensayClient {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return createSensayClient({
    baseUrl: api.url,
    apiVersion: API_VERSION,
    secret: SECRET,
    requestsPerMinute: 1000,
    clock: new FakeClock(Date.UTC(2026, 0, 1), { autoAdvance: true }),
    log: pino({ level: 'debug' }, sink),
    random: () => 0.5,
    ...overrides,
  });
}

beforeEach(async () => {
  api = await startStrictStubServer({ secret: SECRET, apiVersion: API_VERSION });
  storage = await startStrictStubServer();
  logLines = [];
  dir = await mkdtemp(join(tmpdir(), 'sensay-headers-'));
  client = makeClient();
});

afterEach(async () => {
  await client.close();
  await api.close();
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

function scriptEveryOperation(): void {
  api.route('POST', KB, { status: 207, json: { success: true, results: [{ type: 'file', enqueued: true, knowledgeBaseID: 7, signedURL: `${storage.url}/object/doc.pdf?token=signed-token-xyz` }] } });
  api.route('GET', KB, { status: 200, json: { success: true, items: [entry(7)], total: 1 } });
  api.route('GET', `${KB}/7`, { status: 200, json: { success: true, ...entry(7) } });
  api.route('PATCH', `${KB}/7`, { status: 200, json: { success: true } });
  api.route('DELETE', `${KB}/7`, { status: 200, json: { success: true } });
  api.route('GET', '/v1/knowledge-base/file-types', {
    status: 200,
    json: { success: true, mediaGroups: [{ label: 'Documents', mediaType: 'document', fileTypes: [{ mimeTypes: ['application/pdf'], extensions: ['.pdf'], supportLevel: 'production' }] }] },
  });
  storage.route('PUT', '/object/doc.pdf', { status: 200, json: { Key: 'doc.pdf' } });
}

async function exerciseEveryOperation(c: SensayClient): Promise<void> {
  const created = await c.createEntry(REPLICA, { title: 'docs/a.pdf', filename: 'a.pdf' });
  expect(created).toMatchObject({ ok: true, knowledgeBaseID: 7 });
  await c.createEntry(REPLICA, { title: 'docs/b.md', text: 'hello' });
  const file = join(dir, 'a.pdf');
  await writeFile(file, '%PDF-1.7 tiny');
  if (created.ok && created.signedURL) await c.uploadFile(created.signedURL, file);
  await c.getEntry(REPLICA, 7);
  await c.listEntries(REPLICA, { status: ['NEW', 'READY'], hasError: false });
  await c.countEntries(REPLICA);
  await c.patchEntry(REPLICA, 7, { title: 'docs/renamed.pdf' });
  await c.deleteEntry(REPLICA, 7);
  await c.getFileTypes();
}

describe('headers on every API request', () => {
  it('sends the secret, API version, user agent and Accept on every call, JSON content type only with a body', async () => {
    scriptEveryOperation();
    await exerciseEveryOperation(client);

    expect(api.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'GET', 'GET', 'GET', 'PATCH', 'DELETE', 'GET']);
    for (const request of api.requests) {
      const headers = sentHeaders(request);
      expect(headers['X-ORGANIZATION-SECRET']).toBe(SECRET);
      expect(headers['X-API-Version']).toBe(API_VERSION);
      expect(headers['User-Agent']).toBe(`sensay-ingest/${VERSION}`);
      expect(headers['Accept']).toBe('application/json');
      expect(request.headers['x-user-id']).toBeUndefined();
      expect(request.headers['x-user-id-type']).toBeUndefined();
      if (request.method === 'POST' || request.method === 'PATCH') {
        expect(headers['Content-Type']).toBe('application/json');
        expect(() => JSON.parse(request.body.toString('utf8'))).not.toThrow();
      } else {
        expect(request.headers['content-type']).toBeUndefined();
        expect(request.body.length).toBe(0);
      }
    }
    // The strict stub found nothing to refuse and our scripted replies match the schema.
    expect(api.responseProblems).toEqual([]);
  });

  it('sends X-USER-ID when a user is configured, and X-USER-ID-TYPE only when a type is configured', async () => {
    scriptEveryOperation();
    await client.close();
    const plain = makeClient({ userId: 'user-42' });
    await plain.getEntry(REPLICA, 7);
    await plain.close();
    client = makeClient({ userId: 'user-42', userIdType: 'email' });
    await client.getEntry(REPLICA, 7);
    const [withId, typed] = api.requests;
    expect(withId?.headers['x-user-id']).toBe('user-42');
    expect(withId?.headers['x-user-id-type']).toBeUndefined();
    expect(sentHeaders(typed as RecordedRequest)['X-USER-ID-TYPE']).toBe('email');
  });

  it('sends bodies the strict schema accepts: one source per create, only the title on patch', async () => {
    scriptEveryOperation();
    await exerciseEveryOperation(client);
    const bodies = api.requests.filter((r) => r.body.length > 0).map((r) => JSON.parse(r.body.toString('utf8')) as unknown);
    expect(bodies).toEqual([{ title: 'docs/a.pdf', filename: 'a.pdf' }, { title: 'docs/b.md', text: 'hello' }, { title: 'docs/renamed.pdf' }]);
  });

  it('serialises the status filter as one comma-separated value', async () => {
    scriptEveryOperation();
    await client.listEntries(REPLICA, { status: ['NEW', 'FILE_UPLOADED', 'VECTOR_CREATED'], hasError: true, pageSize: 50 });
    const [list] = api.requestsTo('GET', KB);
    expect(list?.query.getAll('status')).toEqual(['NEW,FILE_UPLOADED,VECTOR_CREATED']);
    expect(list?.query.get('hasError')).toBe('true');
    expect(list?.query.get('pageSize')).toBe('50');
  });
});

describe('the signed-URL upload goes to another origin without any Sensay header', () => {
  it('PUTs octet-stream with a content length and no secret, version or user id', async () => {
    scriptEveryOperation();
    await client.close();
    client = makeClient({ userId: 'user-42', userIdType: 'email' });
    await exerciseEveryOperation(client);

    const [put] = storage.requests;
    expect(storage.requests).toHaveLength(1);
    expect(put?.method).toBe('PUT');
    const names = put!.rawHeaders.map(([name]) => name.toLowerCase());
    for (const forbidden of ['x-organization-secret', 'x-api-version', 'x-user-id', 'x-user-id-type', 'authorization', 'cookie']) {
      expect(names).not.toContain(forbidden);
    }
    expect(put?.headers['content-type']).toBe('application/octet-stream');
    expect(put?.headers['content-length']).toBe(String('%PDF-1.7 tiny'.length));
    expect(put?.body.toString('utf8')).toBe('%PDF-1.7 tiny');
  });
});

describe('redirects are never followed', () => {
  it('an API redirect is an UNEXPECTED_REDIRECT error and the target never sees the secret', async () => {
    const target = await startStrictStubServer();
    try {
      api.route('GET', `${KB}/7`, { status: 307, headers: { location: `${target.url}${KB}/7` } });
      const error = await client.getEntry(REPLICA, 7).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SensayApiError);
      expect(error).toMatchObject({ code: 'UNEXPECTED_REDIRECT', status: 307 });
      expect(target.requests).toHaveLength(0);
      expect(api.requests).toHaveLength(1);
    } finally {
      await target.close();
    }
  });

  it('a redirected create is refused, not followed and not ambiguous', async () => {
    const target = await startStrictStubServer();
    try {
      api.route('POST', KB, { status: 301, headers: { location: `${target.url}${KB}` } });
      await expect(client.createEntry(REPLICA, { title: 't', text: 'x' })).rejects.toMatchObject({ code: 'UNEXPECTED_REDIRECT' });
      expect(target.requests).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it('a redirected upload is not followed either', async () => {
    const target = await startStrictStubServer();
    try {
      storage.route('PUT', '/object/doc.pdf', { status: 302, headers: { location: `${target.url}/elsewhere` } });
      const file = join(dir, 'a.txt');
      await writeFile(file, 'hello');
      await expect(client.uploadFile(`${storage.url}/object/doc.pdf?token=t`, file)).rejects.toMatchObject({ code: 'UNEXPECTED_REDIRECT' });
      expect(target.requests).toHaveLength(0);
    } finally {
      await target.close();
    }
  });
});

describe('secrets stay out of logs and errors', () => {
  it('logs errors with their identifiers but without headers, the secret or the signed token', async () => {
    api.route('GET', `${KB}/7`, {
      status: 401,
      // A careless server echoing the credential back must not make us repeat it.
      json: { success: false, error: `Invalid key ${SECRET}`, error_code: 'UNAUTHORIZED', fingerprint: 'fp-9', request_id: 'req-9' },
    });
    storage.route('PUT', '/object/doc.pdf', { status: 403, json: { error: 'expired' } });
    const error = (await client.getEntry(REPLICA, 7).catch((e: unknown) => e)) as SensayApiError;
    expect(error.message).not.toContain(SECRET);
    const file = join(dir, 'a.txt');
    await writeFile(file, 'hello');
    const uploadError = (await client.uploadFile(`${storage.url}/object/doc.pdf?token=signed-token-xyz`, file).catch((e: unknown) => e)) as SensayApiError;
    expect(JSON.stringify({ ...uploadError, message: uploadError.message })).not.toContain('signed-token-xyz');

    const warnings = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l['level'] === 40);
    expect(warnings[0]).toMatchObject({ status: 401, code: 'UNAUTHORIZED', apiCode: 'UNAUTHORIZED', requestId: 'req-9', fingerprint: 'fp-9', method: 'GET', path: `${KB}/7`, component: 'sensay' });
    const everything = logLines.join('\n');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('signed-token-xyz');
    expect(everything.toLowerCase()).not.toContain('x-organization-secret');
  });
});
