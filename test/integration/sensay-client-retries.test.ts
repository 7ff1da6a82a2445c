import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSensayClient, type SensayClient, type SensayClientOptions } from '../../src/sensay/client.js';
import { QuotaExceededError, SensayApiError } from '../../src/sensay/errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { startStrictStubServer, type StrictStubServer } from '../support/strict-stub-server.js';

const SECRET = 'canary-secret-retries';
const API_VERSION = '2025-03-25';
const REPLICA = '03db5651-cb61-4bdf-9ef0-89561f7c9c53';
const KB = `/v1/replicas/${REPLICA}/knowledge-base`;
const AT = '2026-01-01T00:00:00.000Z';
const ENTRY = { success: true, id: 7, replicaUUID: REPLICA, type: 'file', status: 'READY', createdAt: AT, updatedAt: AT };
const CREATED = { status: 207, json: { success: true, results: [{ type: 'text', enqueued: true, knowledgeBaseID: 11 }] } };

let api: StrictStubServer;
let clock: FakeClock;
let client: SensayClient;
let warnings: Array<Record<string, unknown>>;

function makeClient(overrides: Partial<SensayClientOptions> = {}): SensayClient {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed['level'] === 40) warnings.push(parsed);
      }
      callback();
    },
  });
  return createSensayClient({
    baseUrl: api.url,
    apiVersion: API_VERSION,
    secret: SECRET,
    requestsPerMinute: 1000,
    clock,
    log: pino({ level: 'warn' }, sink),
    random: () => 0.5,
    ...overrides,
  });
}

async function replaceClient(overrides: Partial<SensayClientOptions> = {}): Promise<void> {
  await client.close();
  client = makeClient(overrides);
}

/** Lets real I/O run until the condition holds (a guard against hanging, not a timing assertion). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeEach(async () => {
  api = await startStrictStubServer({ secret: SECRET, apiVersion: API_VERSION });
  clock = new FakeClock(Date.UTC(2026, 0, 1));
  warnings = [];
  client = makeClient();
});

afterEach(async () => {
  await client.close();
  await api.close();
});

describe('idempotent requests (GET, DELETE, PATCH)', () => {
  it('a GET answered 429 + Retry-After: 7 is retried after exactly 7 s of clock time', async () => {
    api.route('GET', `${KB}/7`, { status: 429, headers: { 'retry-after': '7' }, json: { success: false, error: 'Too many requests', request_id: 'r1' } }, { status: 200, json: ENTRY });
    const pending = client.getEntry(REPLICA, 7);
    await until(() => clock.pendingSleeps === 1, 'the client waits');
    expect(api.requests).toHaveLength(1);

    await clock.advance(6999);
    expect(api.requests).toHaveLength(1);
    await clock.advance(1);
    await expect(pending).resolves.toMatchObject({ id: 7, status: 'READY' });
    expect(api.requests).toHaveLength(2);
  });

  it('honours a Retry-After given as an HTTP date, relative to the injected clock', async () => {
    const retryAt = new Date(clock.now() + 5000).toUTCString();
    api.route('GET', `${KB}/7`, { status: 503, headers: { 'retry-after': retryAt } }, { status: 200, json: ENTRY });
    const pending = client.getEntry(REPLICA, 7);
    await until(() => clock.pendingSleeps === 1, 'the client waits');
    await clock.advance(4999);
    expect(api.requests).toHaveLength(1);
    await clock.advance(1);
    await expect(pending).resolves.toMatchObject({ id: 7 });
  });

  it('503 twice then 200 succeeds, backing off with jitter on the clock', async () => {
    clock = new FakeClock(0, { autoAdvance: true });
    await replaceClient();
    api.route('GET', `${KB}/7`, { status: 503 }, { status: 503 }, { status: 200, json: ENTRY });
    await expect(client.getEntry(REPLICA, 7)).resolves.toMatchObject({ id: 7 });
    expect(api.requests).toHaveLength(3);
    // random 0.5 × 500 ms, then 0.5 × 1000 ms.
    expect(clock.now()).toBe(750);
    expect(warnings.map((w) => [w['status'], w['retryInMs']])).toEqual([
      [503, 250],
      [503, 500],
    ]);
  });

  it('gives up after maxAttempts and raises the last error', async () => {
    clock = new FakeClock(0, { autoAdvance: true });
    await replaceClient();
    api.route('GET', `${KB}/7`, { status: 500, json: { success: false, error: 'boom', fingerprint: 'fp-500', request_id: 'req-500' } });
    const error = (await client.getEntry(REPLICA, 7).catch((e: unknown) => e)) as SensayApiError;
    expect(error).toBeInstanceOf(SensayApiError);
    expect(error).toMatchObject({ code: 'SERVER_ERROR', status: 500, fingerprint: 'fp-500', requestId: 'req-500', attempts: 4, message: 'boom' });
    expect(api.requests).toHaveLength(4);
    expect(warnings).toHaveLength(4);
    expect(warnings[3]).toMatchObject({ final: 'attempts-exhausted' });
  });

  it('a connection reset on a GET is retried', async () => {
    clock = new FakeClock(0, { autoAdvance: true });
    await replaceClient();
    api.route('GET', `${KB}/7`, { destroy: true }, { status: 200, json: ENTRY });
    await expect(client.getEntry(REPLICA, 7)).resolves.toMatchObject({ id: 7 });
    expect(api.requests).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ code: 'CONNECTION_RESET' });
  });

  it('a GET that times out is retried', async () => {
    clock = new FakeClock(0, { autoAdvance: true });
    await replaceClient({ timeoutMs: 250 });
    api.route('GET', `${KB}/7`, { hang: true }, { status: 200, json: ENTRY });
    await expect(client.getEntry(REPLICA, 7)).resolves.toMatchObject({ id: 7 });
    expect(api.requests).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ code: 'TIMEOUT' });
  });

  it('401 is UNAUTHORIZED at once, with the envelope parsed, and never retried', async () => {
    api.route('DELETE', `${KB}/7`, { status: 401, json: { success: false, error: 'Invalid organization secret', error_code: 'INVALID_SECRET', fingerprint: 'fp-1', request_id: 'req-1' } });
    const error = (await client.deleteEntry(REPLICA, 7).catch((e: unknown) => e)) as SensayApiError;
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, apiCode: 'INVALID_SECRET', requestId: 'req-1', fingerprint: 'fp-1', method: 'DELETE', path: `${KB}/7` });
    expect(api.requests).toHaveLength(1);
  });

  it('raises a long Retry-After instead of holding the request for an hour', async () => {
    api.route('GET', KB, { status: 429, headers: { 'retry-after': '3600' }, json: { success: false, error: 'slow down', request_id: 'r' } });
    await expect(client.listEntries(REPLICA)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3_600_000 });
    expect(api.requests).toHaveLength(1);
  });

  it('after a long Retry-After on a read, sends nothing at all until it has passed', async () => {
    api.route('GET', KB, { status: 429, headers: { 'retry-after': '120' }, json: { success: false, error: 'slow down', request_id: 'r' } });
    api.route('GET', `${KB}/7`, { status: 200, json: ENTRY });
    await expect(client.listEntries(REPLICA)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 120_000 });

    const pending = client.getEntry(REPLICA, 7);
    await until(() => clock.pendingSleeps === 1, 'the next request waits for the hold');
    await clock.advance(119_999);
    expect(api.requestsTo('GET', `${KB}/7`)).toHaveLength(0);
    await clock.advance(1);
    await expect(pending).resolves.toMatchObject({ id: 7 });
  });

  it("does not let a create's Retry-After (the hourly upload limit) hold reads", async () => {
    api.route('POST', KB, { status: 429, headers: { 'retry-after': '3000' }, json: { success: false, error: 'upload limit', request_id: 'r' } });
    api.route('GET', `${KB}/7`, { status: 200, json: ENTRY });
    await expect(client.createEntry(REPLICA, { title: 't', text: 'x' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(client.getEntry(REPLICA, 7)).resolves.toMatchObject({ id: 7 });
  });

  it('stops waiting between attempts when the caller aborts', async () => {
    api.route('GET', `${KB}/7`, { status: 503 });
    const controller = new AbortController();
    const pending = client.getEntry(REPLICA, 7, { signal: controller.signal });
    await until(() => clock.pendingSleeps === 1, 'the client backs off');
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    expect(api.requests).toHaveLength(1);
  });
});

describe('creates (POST) are repeated only when the server clearly refused them', () => {
  it('a throttling 429 with Retry-After is retried after the wait and then succeeds', async () => {
    api.route('POST', KB, { status: 429, headers: { 'retry-after': '2' }, json: { success: false, error: 'Too many requests', request_id: 'r' } }, CREATED);
    const pending = client.createEntry(REPLICA, { title: 'a.md', text: 'hello' });
    await until(() => clock.pendingSleeps === 1, 'the client waits');
    await clock.advance(1999);
    expect(api.requests).toHaveLength(1);
    await clock.advance(1);
    await expect(pending).resolves.toEqual({ ok: true, knowledgeBaseID: 11, type: 'text' });
    expect(api.requests).toHaveLength(2);
  });

  it('a quota 429 is a QuotaExceededError, never retried', async () => {
    api.route('POST', KB, {
      status: 429,
      headers: { 'retry-after': '5' },
      json: { success: false, error: 'Usage limit exceeded', error_code: 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED', fingerprint: 'fp-q', request_id: 'req-q' },
    });
    const error = await client.createEntry(REPLICA, { title: 'a.md', text: 'hello' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', status: 429, apiCode: 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED', requestId: 'req-q' });
    expect(api.requests).toHaveLength(1);
    expect(api.responseProblems).toEqual([]);
  });

  it('a throttling 429 that never clears is raised as RATE_LIMITED, not ambiguous', async () => {
    clock = new FakeClock(0, { autoAdvance: true });
    await replaceClient();
    api.route('POST', KB, { status: 429, headers: { 'retry-after': '1' }, json: { success: false, error: 'Too many requests', request_id: 'r' } });
    await expect(client.createEntry(REPLICA, { title: 'a.md', text: 'x' })).rejects.toMatchObject({ code: 'RATE_LIMITED', attempts: 4 });
    expect(api.requests).toHaveLength(4);
  });

  it('a 5xx answer is ambiguous and not repeated', async () => {
    api.route('POST', KB, { status: 503, json: { success: false, error: 'unavailable', request_id: 'r-503' } });
    const result = await client.createEntry(REPLICA, { title: 'a.md', text: 'hello' });
    expect(result).toMatchObject({ ok: false, ambiguous: true });
    expect(result.ok === false && result.ambiguous && result.cause).toMatchObject({ code: 'SERVER_ERROR', status: 503, requestId: 'r-503' });
    expect(api.requests).toHaveLength(1);
  });

  it('a timeout after sending is ambiguous and not repeated', async () => {
    await replaceClient({ timeoutMs: 250 });
    api.route('POST', KB, { hang: true });
    const result = await client.createEntry(REPLICA, { title: 'a.md', text: 'hello' });
    expect(result.ok === false && result.ambiguous && result.cause.code).toBe('TIMEOUT');
    expect(api.requests).toHaveLength(1);
  });

  it('a connection reset after sending is ambiguous and not repeated', async () => {
    api.route('POST', KB, { destroy: true });
    const result = await client.createEntry(REPLICA, { title: 'a.md', text: 'hello' });
    expect(result.ok === false && result.ambiguous && result.cause.code).toBe('CONNECTION_RESET');
    expect(api.requests).toHaveLength(1);
  });

  it('a refused connection (nothing sent) is retried, and the create lands once the server is back', async () => {
    const port = Number(new URL(api.url).port);
    await api.close();
    const pending = client.createEntry(REPLICA, { title: 'a.md', text: 'hello' });
    await until(() => clock.pendingSleeps === 1, 'the client backs off after ECONNREFUSED');
    expect(warnings[0]).toMatchObject({ code: 'UNREACHABLE', method: 'POST' });

    api = await startStrictStubServer({ secret: SECRET, apiVersion: API_VERSION, port });
    api.route('POST', KB, CREATED);
    await clock.advance(250);
    await expect(pending).resolves.toEqual({ ok: true, knowledgeBaseID: 11, type: 'text' });
    expect(api.requests).toHaveLength(1);
  });

  it('an API that stays unreachable is raised as UNREACHABLE, not ambiguous', async () => {
    clock = new FakeClock(0, { autoAdvance: true });
    await api.close();
    await replaceClient();
    await expect(client.createEntry(REPLICA, { title: 'a.md', text: 'x' })).rejects.toMatchObject({ code: 'UNREACHABLE', attempts: 4 });
    api = await startStrictStubServer();
  });

  it('a 4xx refusal is thrown with its code', async () => {
    api.route('POST', KB, { status: 409, json: { success: false, error: 'Already in the knowledge base', error_code: 'DUPLICATE', request_id: 'r' } });
    await expect(client.createEntry(REPLICA, { title: 'a.md', text: 'x' })).rejects.toMatchObject({ code: 'CONFLICT', apiCode: 'DUPLICATE' });
    expect(api.requests).toHaveLength(1);
  });
});
