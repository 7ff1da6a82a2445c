import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSensayClient, type SensayClient } from '../../src/sensay/client.js';
import { SignedUrlExpiredError } from '../../src/sensay/errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { startStrictStubServer, type StrictStubServer } from '../support/strict-stub-server.js';

const SECRET = 'canary-secret-upload';
const OBJECT = '/storage/v1/object/upload/sign/kb/doc.pdf';

let dir: string;
let bigFile: string;
let bigSha256: string;
let storage: StrictStubServer;
let api: StrictStubServer;
let client: SensayClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensay-upload-'));
  const bytes = randomBytes(5 * 1024 * 1024);
  bigFile = join(dir, 'big.pdf');
  await writeFile(bigFile, bytes);
  bigSha256 = createHash('sha256').update(bytes).digest('hex');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  api = await startStrictStubServer({ secret: SECRET, apiVersion: '2025-03-25' });
  storage = await startStrictStubServer();
  client = createSensayClient({
    baseUrl: api.url,
    apiVersion: '2025-03-25',
    secret: SECRET,
    requestsPerMinute: 1,
    clock: new FakeClock(0, { autoAdvance: true }),
    log: pino({ level: 'silent' }),
    random: () => 0.5,
  });
});

afterEach(async () => {
  await client.close();
  await storage.close();
  await api.close();
});

const signed = () => `${storage.url}${OBJECT}?token=eyJhbGciOi.signed.token`;

describe('uploadFile', () => {
  it('streams a 5 MB file byte-exact (sha256 checked on the server) with its content length', async () => {
    storage.route('PUT', OBJECT, { status: 200, json: { Key: 'kb/doc.pdf' } });
    const result = await client.uploadFile(signed(), bigFile, { expectedSize: 5 * 1024 * 1024 });

    expect(storage.requests).toHaveLength(1);
    const [put] = storage.requests;
    expect(put?.sha256).toBe(bigSha256);
    expect(put?.headers['content-length']).toBe(String(5 * 1024 * 1024));
    expect(put?.headers['content-type']).toBe('application/octet-stream');
    expect(put?.query.get('token')).toBe('eyJhbGciOi.signed.token');
    expect(result).toEqual({ bytes: 5 * 1024 * 1024, sha256: bigSha256, status: 200 });
    // The PUT is not an API request: it neither touched the API nor waited for a limiter token.
    expect(api.requests).toHaveLength(0);
  });

  it('retries a 5xx and a reset, re-sending the whole file each time', async () => {
    storage.route('PUT', OBJECT, { status: 503 }, { destroy: true }, { status: 200 });
    const result = await client.uploadFile(signed(), bigFile);
    expect(result.sha256).toBe(bigSha256);
    expect(storage.requests).toHaveLength(3);
    expect(storage.requests.map((r) => r.sha256)).toEqual([bigSha256, bigSha256, bigSha256]);
  });

  it.each([400, 403])('an expired signed URL (%i) is SIGNED_URL_EXPIRED and not retried', async (status) => {
    storage.route('PUT', OBJECT, { status, json: { statusCode: String(status), error: 'Unauthorized', message: 'jwt expired' } });
    const error = await client.uploadFile(signed(), bigFile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignedUrlExpiredError);
    expect(error).toMatchObject({ code: 'SIGNED_URL_EXPIRED', status, method: 'PUT', path: OBJECT });
    expect(storage.requests).toHaveLength(1);
  });

  it('another 4xx is UPLOAD_REJECTED and not retried', async () => {
    storage.route('PUT', OBJECT, { status: 413, body: 'too large' });
    await expect(client.uploadFile(signed(), bigFile)).rejects.toMatchObject({ code: 'UPLOAD_REJECTED', status: 413 });
    expect(storage.requests).toHaveLength(1);
  });

  it('refuses to upload a file whose size is not what extraction saw', async () => {
    storage.route('PUT', OBJECT, { status: 200 });
    await expect(client.uploadFile(signed(), bigFile, { expectedSize: 123 })).rejects.toMatchObject({ code: 'FILE_CHANGED' });
    expect(storage.requests).toHaveLength(0);
  });

  it('reports a missing file as FILE_UNREADABLE without contacting the storage', async () => {
    storage.route('PUT', OBJECT, { status: 200 });
    await expect(client.uploadFile(signed(), join(dir, 'gone.pdf'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    expect(storage.requests).toHaveLength(0);
  });

  it('never puts the signed token into an error', async () => {
    storage.route('PUT', OBJECT, { status: 403, body: 'denied' });
    const error = (await client.uploadFile(signed(), bigFile).catch((e: unknown) => e)) as Error;
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('signed.token');
  });
});
