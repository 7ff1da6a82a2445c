import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../support/sim-harness.js';
import { kbPath, REPLICA, SimClient } from '../support/sim-client.js';

const simulator = useSimulator({ timeline: { stepMs: 1_000 } });
const boot = simulator.boot;

async function createFile(c: SimClient, title: string): Promise<{ id: number; signedURL: string }> {
  const res = await c.post(kbPath(REPLICA), { title, filename: title.split('/').pop() });
  expect(res.status).toBe(207);
  return { id: res.body.results[0].knowledgeBaseID, signedURL: res.body.results[0].signedURL };
}

async function createText(c: SimClient, title: string): Promise<number> {
  const res = await c.post(kbPath(REPLICA), { title, text: `content of ${title}` });
  expect(res.status).toBe(207);
  return res.body.results[0].knowledgeBaseID;
}

const statusOf = async (c: SimClient, id: number) => (await c.get(kbPath(REPLICA, id))).body.status as string;

describe('simulator: upload and status timeline', () => {
  it('keeps a never-uploaded file entry NEW, then walks the timeline to READY after the PUT', async () => {
    const { sim, client } = await boot();
    const { id, signedURL } = await createFile(client, 'docs/report.pdf');
    await simulator.clock.advance(10 * 60_000);
    expect(await statusOf(client, id)).toBe('NEW');

    const bytes = Buffer.from('%PDF-1.7 simulated');
    const put = await client.upload(signedURL, bytes);
    expect(put.status).toBe(200);
    const seen = [await statusOf(client, id)];
    for (let i = 0; i < 4; i++) {
      await simulator.clock.advance(999);
      expect(await statusOf(client, id)).toBe(seen.at(-1));
      await simulator.clock.advance(1);
      seen.push(await statusOf(client, id));
    }
    expect(seen).toEqual(['FILE_UPLOADED', 'RAW_TEXT', 'PROCESSED_TEXT', 'VECTOR_CREATED', 'READY']);
    const entry = sim.entries()[0];
    expect(entry?.upload).toEqual({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), at: expect.any(Number) });
    const got = await client.get(kbPath(REPLICA, id));
    expect(got.body.file).toMatchObject({ name: 'report.pdf', size: bytes.length, mimeType: 'application/pdf' });
    expect(Date.parse(got.body.updatedAt)).toBeGreaterThan(Date.parse(got.body.createdAt));
  });

  it('starts text entries at once (NEW → RAW_TEXT → … → READY) and honours per-status durations', async () => {
    const { client } = await boot({ timeline: { stepMs: 1_000, durations: { PROCESSED_TEXT: 60_000 } } });
    const id = await createText(client, 'faq.md');
    expect(await statusOf(client, id)).toBe('NEW');
    await simulator.clock.advance(2_000);
    expect(await statusOf(client, id)).toBe('PROCESSED_TEXT');
    await simulator.clock.advance(59_999);
    expect(await statusOf(client, id)).toBe('PROCESSED_TEXT');
    await simulator.clock.advance(1 + 1_000);
    expect(await statusOf(client, id)).toBe('READY');
  });

  it('accepts the PUT without the secret, stores nothing twice, and counts a secret sent there', async () => {
    const { sim, client } = await boot();
    const { signedURL } = await createFile(client, 'a.txt');
    const first = await client.upload(signedURL, 'first', { secret: sim.secret });
    expect(first.status).toBe(200);
    const second = await client.upload(signedURL, 'second');
    expect(second.status).toBe(409);
    expect(sim.entries()[0]?.upload?.size).toBe('first'.length);
    expect(sim.stats().secretSentToUpload).toBe(1);
    expect(sim.stats().uploads).toBe(1);
  });

  it('refuses a PUT after the signed URL expired (403) and the entry stays NEW', async () => {
    const { sim, client } = await boot({ signedUrlTtlMs: 60_000 });
    const { id, signedURL } = await createFile(client, 'late.docx');
    await simulator.clock.advance(60_000);
    const put = await client.upload(signedURL, 'too late');
    expect(put.status).toBe(403);
    expect(put.body.error_code).toBe('SIGNED_URL_EXPIRED');
    expect(await statusOf(client, id)).toBe('NEW');
    expect(sim.entries()[0]?.upload).toBeNull();
  });

  it('refuses a forged token (403), a non-octet-stream body (415) and an oversized one (413)', async () => {
    const { client } = await boot({ maxUploadBytes: 1_024 });
    const { signedURL } = await createFile(client, 'b.txt');
    const forged = new URL(signedURL);
    forged.searchParams.set('token', 'forged');
    expect((await client.upload(forged.href, 'x')).status).toBe(403);
    expect((await client.upload(signedURL, 'x', { contentType: 'text/plain' })).status).toBe(415);
    expect((await client.upload(signedURL, Buffer.alloc(2_048))).status).toBe(413);
    expect((await client.upload(signedURL, Buffer.alloc(1_024))).status).toBe(200);
  });
});

describe('simulator: injected processing failures', () => {
  it('gives the first N entries of a matching title an error object, then lets the next become READY', async () => {
    const { sim, client } = await boot({ failures: [{ match: 'flaky-*.txt', errorTimes: 2 }] });
    const outcomes: unknown[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const id = await createText(client, 'docs/flaky-1.txt');
      await simulator.clock.advance(10_000);
      const entry = (await client.get(kbPath(REPLICA, id))).body;
      outcomes.push({ status: entry.status, error: entry.error });
      await client.delete(kbPath(REPLICA, id));
    }
    expect(outcomes).toEqual([
      { status: 'RAW_TEXT', error: { message: expect.any(String), fingerprint: expect.any(String) } },
      { status: 'RAW_TEXT', error: { message: expect.any(String), fingerprint: expect.any(String) } },
      { status: 'READY', error: undefined },
    ]);
    expect(sim.entries().map((e) => [e.createOrdinal, e.createCount])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('shows errored entries under hasError=true', async () => {
    const { client } = await boot({ failures: [{ match: /broken/, errorTimes: 1 }] });
    const bad = await createText(client, 'broken.txt');
    await createText(client, 'fine.txt');
    await simulator.clock.advance(10_000);
    const errored = await client.get(kbPath(REPLICA), { query: { hasError: 'true' } });
    const clean = await client.get(kbPath(REPLICA), { query: { hasError: 'false' } });
    expect(errored.body.items.map((e: { id: number }) => e.id)).toEqual([bad]);
    expect(clean.body.total).toBe(1);
  });

  it('turns an unprocessable file UNPROCESSABLE with an error message, for good', async () => {
    const { client } = await boot({ failures: [{ match: '*.scan.pdf', unprocessable: true, message: 'no text layer' }] });
    const { id, signedURL } = await createFile(client, 'in/page.scan.pdf');
    await client.upload(signedURL, '%PDF-1.4');
    await simulator.clock.advance(3_600_000);
    const entry = (await client.get(kbPath(REPLICA, id))).body;
    expect(entry.status).toBe('UNPROCESSABLE');
    expect(entry.error.message).toBe('no text layer');
  });

  it('keeps a stuck entry in its processing status forever, without an error', async () => {
    const { client } = await boot({ failures: [{ match: 'stuck.md', stuck: true, at: 'PROCESSED_TEXT' }] });
    const id = await createText(client, 'stuck.md');
    await simulator.clock.advance(24 * 3_600_000);
    const entry = (await client.get(kbPath(REPLICA, id))).body;
    expect(entry.status).toBe('PROCESSED_TEXT');
    expect(entry).not.toHaveProperty('error');
  });
});
