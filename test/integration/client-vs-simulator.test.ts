import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorOptions } from '../../src/sim/index.js';
import { createSensayClient, QuotaExceededError, SensayApiError, type SensayClient } from '../../src/sensay/client.js';
import { createTestLogger } from '../../src/cli/logger.js';
import { FakeClock } from '../support/fake-clock.js';

/**
 * The real client against the real simulator: the two halves that must both obey the OpenAPI
 * subset agree with each other on every behaviour the engine relies on.
 */
const REPLICA = '5d1f3c2a-8b7e-4c6d-9a0b-1e2f3a4b5c6d';
const dir = mkdtempSync(join(tmpdir(), 'client-sim-'));

type Harness = {
  sim: Awaited<ReturnType<typeof startSimulator>>;
  simClock: FakeClock;
  client: SensayClient;
  logs: ReturnType<typeof createTestLogger>['sink'];
};
const open: Harness[] = [];

async function harness(options: Partial<SimulatorOptions> = {}, secret?: string): Promise<Harness> {
  const simClock = new FakeClock();
  const sim = await startSimulator({ port: 0, clock: simClock, timeline: { stepMs: 1000 }, ...options });
  const { log, sink } = createTestLogger({ secrets: [sim.secret] });
  const client = createSensayClient({
    baseUrl: sim.url,
    apiVersion: '2025-03-25',
    secret: secret ?? sim.secret,
    requestsPerMinute: 1000,
    clock: new FakeClock(Date.UTC(2026, 0, 1), { autoAdvance: true }),
    log,
    timeoutMs: 2000,
  });
  const h = { sim, simClock, client, logs: sink };
  open.push(h);
  return h;
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.client.close();
    await h.sim.close();
  }
});

function file(name: string, bytes: Buffer): { path: string; sha256: string } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex') };
}

describe('client against the simulator', () => {
  it('creates a file entry, uploads the exact bytes without the secret, and follows it to READY', async () => {
    const { sim, simClock, client } = await harness();
    const doc = file('guide.pdf', Buffer.from('%PDF-1.4 pretend pdf bytes '.repeat(1000)));
    const created = await client.createEntry(REPLICA, { title: 'docs/guide.pdf', filename: 'guide.pdf' });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.signedURL).toBeTruthy();
    expect((await client.getEntry(REPLICA, created.knowledgeBaseID))?.status).toBe('NEW');

    const uploaded = await client.uploadFile(created.signedURL!, doc.path);
    expect(uploaded.sha256).toBe(doc.sha256);
    expect(sim.stats().secretSentToUpload).toBe(0);
    expect(sim.entries().find((e) => e.id === created.knowledgeBaseID)?.upload?.sha256).toBe(doc.sha256);

    await simClock.advance(60_000);
    const entry = await client.getEntry(REPLICA, created.knowledgeBaseID);
    expect(entry?.status).toBe('READY');
    expect(entry?.title).toBe('docs/guide.pdf');
  });

  it('creates text entries, lists them with both filters and pages, patches titles and deletes', async () => {
    const { simClock, client } = await harness({ uploadsPerHour: Infinity, requestsPerMinute: Infinity });
    const ids: number[] = [];
    for (let i = 0; i < 130; i++) {
      const result = await client.createEntry(REPLICA, { title: `note-${i}.txt`, text: `note number ${i}` });
      if (result.ok) ids.push(result.knowledgeBaseID);
    }
    expect(ids).toHaveLength(130);
    expect(await client.countEntries(REPLICA)).toBe(130);

    const seen: number[] = [];
    for await (const entry of client.iterateEntries(REPLICA, { pageSize: 50 })) seen.push(entry.id);
    expect(new Set(seen)).toEqual(new Set(ids));

    expect(await client.countEntries(REPLICA, { status: ['NEW', 'RAW_TEXT', 'READY'] })).toBe(130);
    await simClock.advance(60_000);
    expect(await client.countEntries(REPLICA, { status: ['READY'] })).toBe(130);
    expect((await client.listEntries(REPLICA, { search: 'note-12', pageSize: 100 })).items.length).toBeGreaterThan(0);

    await client.patchEntry(REPLICA, ids[0]!, { title: 'renamed.txt' });
    expect((await client.getEntry(REPLICA, ids[0]!))?.title).toBe('renamed.txt');

    expect(await client.deleteEntry(REPLICA, ids[0]!)).toBe('deleted');
    expect(await client.deleteEntry(REPLICA, ids[0]!)).toBe('already-gone');
    expect(await client.getEntry(REPLICA, ids[0]!)).toBeNull();
  });

  it('paces requests with its limiter so the 100-per-minute window is never exceeded', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1), { autoAdvance: true });
    const sim = await startSimulator({ port: 0, clock, requestsPerMinute: 100 });
    const { log } = createTestLogger();
    const client = createSensayClient({ baseUrl: sim.url, apiVersion: '2025-03-25', secret: sim.secret, requestsPerMinute: 100, clock, log });
    try {
      const started = clock.now();
      for (let i = 0; i < 250; i++) await client.countEntries(REPLICA);
      expect(sim.stats().throttled).toBe(0);
      // 250 requests at 100 per minute need at least two full windows.
      expect(clock.now() - started).toBeGreaterThanOrEqual(120_000);
    } finally {
      await client.close();
      await sim.close();
    }
  });

  it('reports an accepted (202) delete', async () => {
    const { client } = await harness({ deleteMode: '202' });
    const created = await client.createEntry(REPLICA, { title: 't', text: 'some text' });
    if (!created.ok) throw new Error('create failed');
    expect(await client.deleteEntry(REPLICA, created.knowledgeBaseID)).toBe('accepted');
  });

  it('sees the error object, UNPROCESSABLE and a recovery after N failures', async () => {
    const { simClock, client } = await harness({
      failures: [{ match: 'flaky-*', errorTimes: 1 }, { match: 'junk-*', unprocessable: true }],
    });
    const flaky1 = await client.createEntry(REPLICA, { title: 'flaky-a.txt', text: 'x' });
    const junk = await client.createEntry(REPLICA, { title: 'junk-a.txt', text: 'x' });
    await simClock.advance(60_000);
    if (!flaky1.ok || !junk.ok) throw new Error('create failed');
    const errored = await client.getEntry(REPLICA, flaky1.knowledgeBaseID);
    expect(errored?.error?.message).toBeTruthy();
    expect((await client.getEntry(REPLICA, junk.knowledgeBaseID))?.status).toBe('UNPROCESSABLE');
    expect(await client.countEntries(REPLICA, { hasError: true })).toBeGreaterThanOrEqual(1);

    const flaky2 = await client.createEntry(REPLICA, { title: 'flaky-a.txt', text: 'x' });
    await simClock.advance(60_000);
    if (!flaky2.ok) throw new Error('create failed');
    expect((await client.getEntry(REPLICA, flaky2.knowledgeBaseID))?.status).toBe('READY');
  });

  it('raises the hourly create limit as RATE_LIMITED with the Retry-After the simulator computed', async () => {
    const { simClock, client } = await harness({ uploadsPerHour: 2 });
    await client.createEntry(REPLICA, { title: 'a', text: 'a' });
    await simClock.advance(10 * 60_000);
    await client.createEntry(REPLICA, { title: 'b', text: 'b' });
    const error = await client.createEntry(REPLICA, { title: 'c', text: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SensayApiError);
    expect((error as SensayApiError).code).toBe('RATE_LIMITED');
    // The oldest create leaves the window 50 minutes from now.
    expect((error as SensayApiError).retryAfterMs).toBe(50 * 60_000);
  });

  it('raises a quota 429 as QuotaExceededError and sends the create only once', async () => {
    const { sim, client } = await harness({ quota: true });
    const error = await client.createEntry(REPLICA, { title: 'q', text: 'q' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(sim.stats().quotaRejected).toBe(1);
  });

  it('rejects a wrong secret as UNAUTHORIZED without retrying or logging the secret', async () => {
    const { sim, client, logs } = await harness({}, 'not-the-secret-0xdeadbeef');
    const error = await client.countEntries(REPLICA).catch((e: unknown) => e);
    expect((error as SensayApiError).code).toBe('UNAUTHORIZED');
    expect(sim.stats().unauthorized).toBe(1);
    expect(logs.text()).not.toContain('not-the-secret-0xdeadbeef');
  });

  it('survives injected 503s and a dropped connection on reads', async () => {
    const { sim, client } = await harness();
    sim.inject({ status5xx: { next: 2, status: 503 } });
    expect(await client.countEntries(REPLICA)).toBe(0);
    sim.inject({ dropConnection: { next: 1 } });
    expect(await client.countEntries(REPLICA)).toBe(0);
    expect(sim.stats().injectedErrors).toBe(2);
    expect(sim.stats().dropped).toBe(1);
  });

  it('reports a create that was processed but never answered as ambiguous, not retried', async () => {
    const { sim, client } = await harness();
    sim.inject({ createTimeout: { next: 1, mode: 'drop' } });
    const result = await client.createEntry(REPLICA, { title: 'maybe.txt', text: 'maybe' });
    expect(result).toMatchObject({ ok: false, ambiguous: true });
    expect(sim.entries().filter((e) => e.title === 'maybe.txt')).toHaveLength(1);
  });

  it('maps an expired signed URL to SIGNED_URL_EXPIRED', async () => {
    const { simClock, client } = await harness({ signedUrlTtlMs: 60_000 });
    const doc = file('late.txt', Buffer.from('late bytes'));
    const created = await client.createEntry(REPLICA, { title: 'late.txt', filename: 'late.txt' });
    if (!created.ok) throw new Error('create failed');
    await simClock.advance(61_000);
    const error = await client.uploadFile(created.signedURL!, doc.path).catch((e: unknown) => e);
    expect((error as SensayApiError).code).toBe('SIGNED_URL_EXPIRED');
  });

  it('reads the file types', async () => {
    const { client } = await harness();
    const groups = await client.getFileTypes();
    const extensions = groups.flatMap((g) => g.fileTypes.flatMap((t) => t.extensions));
    expect(extensions).toEqual(expect.arrayContaining(['.pdf', '.docx', '.txt', '.md', '.html']));
  });
});
