import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../support/sim-harness.js';
import { kbPath, OTHER_REPLICA, REPLICA } from '../support/sim-client.js';

const simulator = useSimulator();
const boot = simulator.boot;

describe('simulator: authentication and request checks', () => {
  it('answers 401 in the error envelope for a missing or wrong secret, and records which it was', async () => {
    const { sim, client } = await boot({ secret: 'right-secret' });
    const missing = await client.get(kbPath(REPLICA), { secret: null });
    const wrong = await client.get(kbPath(REPLICA), { secret: 'wrong-secret' });
    const right = await client.get(kbPath(REPLICA));
    expect([missing.status, wrong.status, right.status]).toEqual([401, 401, 200]);
    expect(wrong.body).toMatchObject({ success: false, error: expect.any(String), request_id: expect.any(String) });
    const recorded = sim.requests().map((r) => r.headers['x-organization-secret']);
    expect(recorded).toEqual([undefined, '<secret:wrong>', '<secret:correct>']);
    expect(sim.requests().map((r) => r.remoteAddress)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(JSON.stringify(sim.requests())).not.toContain('right-secret');
    expect(sim.stats().unauthorized).toBe(2);
  });

  it('shows the secret as leaked when it turns up anywhere but its header', async () => {
    const { sim, client } = await boot({ secret: 'canary-7731' });
    await client.get(kbPath(REPLICA), { query: { note: 'canary-7731' }, headers: { 'x-debug': 'canary-7731' } });
    const [request] = sim.requests();
    expect(request?.query.note).toBe('<secret:leaked>');
    expect(request?.headers['x-debug']).toBe('<secret:leaked>');
  });

  it('answers 415 to a create or patch without a JSON content type', async () => {
    const { client } = await boot();
    const create = await client.send('POST', kbPath(REPLICA), { raw: '{"text":"hi"}', contentType: null });
    const plain = await client.send('POST', kbPath(REPLICA), { raw: '{"text":"hi"}', contentType: 'text/plain' });
    const patch = await client.send('PATCH', kbPath(REPLICA, 1), { raw: '{"title":"x"}', contentType: null });
    expect([create.status, plain.status, patch.status]).toEqual([415, 415, 415]);
  });

  it.each([
    ['an unknown key', { text: 'hello', vectorEntryID: 'x' }, /vectorEntryID/],
    ['empty text', { text: '' }, /text/],
    ['two sources at once', { text: 'a', filename: 'a.pdf' }, /exactly one/],
    ['no source', { title: 'only a title' }, /exactly one/],
    ['a title of the wrong type', { title: 5, text: 'a' }, /title/],
    ['a malformed url', { url: 'not a url' }, /url/],
  ])('answers 400 with the envelope for a create with %s', async (_name, body, message) => {
    const { sim, client } = await boot();
    const res = await client.post(kbPath(REPLICA), body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, fingerprint: expect.any(String), request_id: expect.any(String) });
    expect(res.body.error).toMatch(message);
    expect(sim.entries()).toHaveLength(0);
  });

  it('answers 400 to a body that is not JSON and 400 to a replica UUID that is not a UUID', async () => {
    const { client } = await boot();
    expect((await client.send('POST', kbPath(REPLICA), { raw: '{"text":' })).status).toBe(400);
    const bad = await client.get(kbPath('not-a-uuid'));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/replicaUUID/);
    expect((await client.get(kbPath(REPLICA, 'abc'))).status).toBe(400);
  });

  it('accepts a gzip-encoded JSON body', async () => {
    const { sim, client } = await boot();
    const raw = gzipSync(JSON.stringify({ title: 'zipped', text: 'compressed content' }));
    const res = await client.send('POST', kbPath(REPLICA), { raw, headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(207);
    expect(sim.entries()[0]?.text).toBe('compressed content');
  });

  it('answers 404 "Cannot find replica" for a replica outside the known list', async () => {
    const { client } = await boot({ replicas: [REPLICA] });
    const res = await client.get(kbPath(OTHER_REPLICA));
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('Cannot find replica');
    expect((await client.get(kbPath(REPLICA))).status).toBe(200);
  });

  it('answers unknown paths with 404, wrong methods with 405 and the removed training API with 410', async () => {
    const { client } = await boot();
    expect((await client.get('/v1/nothing-here')).status).toBe(404);
    const wrongMethod = await client.send('PUT', kbPath(REPLICA), { json: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toContain('POST');
    const legacy = await client.get('/v1/training');
    expect(legacy.status).toBe(410);
    expect(legacy.body.error_code).toBe('ENDPOINT_REMOVED');
  });
});

describe('simulator: entries', () => {
  it('creates a file entry with a signed upload URL on its own origin (207)', async () => {
    const { sim, client } = await boot();
    const res = await client.post(kbPath(REPLICA), { title: 'docs/guide.pdf', filename: 'guide.pdf' });
    expect(res.status).toBe(207);
    const [result] = res.body.results;
    expect(result).toMatchObject({ type: 'file', enqueued: true, knowledgeBaseID: expect.any(Number) });
    expect(new URL(result.signedURL).origin).toBe(sim.url);
    expect(new URL(result.signedURL).pathname).not.toMatch(/^\/v1\//);
    const entry = await client.get(kbPath(REPLICA, result.knowledgeBaseID));
    expect(entry.body).toMatchObject({ success: true, status: 'NEW', title: 'docs/guide.pdf', file: { name: 'guide.pdf', size: null } });
  });

  it('creates a text entry without a signed URL, and shows its text on GET but not in the list', async () => {
    const { client } = await boot();
    const res = await client.post(kbPath(REPLICA), { title: 'notes.md', text: 'Opening hours: 9-5' });
    const [result] = res.body.results;
    expect(result).toEqual({ type: 'text', enqueued: true, knowledgeBaseID: expect.any(Number) });
    const entry = await client.get(kbPath(REPLICA, result.knowledgeBaseID));
    expect(entry.body.rawText).toBe('Opening hours: 9-5');
    const list = await client.get(kbPath(REPLICA));
    expect(list.body.items[0]).not.toHaveProperty('rawText');
    expect(list.body.items[0]).not.toHaveProperty('success');
  });

  it('rejects an unsupported file type in the 207 result without creating an entry', async () => {
    const { sim, client } = await boot();
    const res = await client.post(kbPath(REPLICA), { filename: 'tool.exe' });
    expect(res.status).toBe(207);
    expect(res.body).toEqual({ success: false, results: [{ type: 'file', enqueued: false, error: expect.stringContaining('tool.exe') }] });
    expect(sim.entries()).toHaveLength(0);
  });

  it('creates website and youtube entries from URLs, refuses Google, and answers 409 to a repeated URL', async () => {
    const { client } = await boot();
    const site = await client.post(kbPath(REPLICA), { url: 'https://example.com/about' });
    const video = await client.post(kbPath(REPLICA), { url: 'https://www.youtube.com/watch?v=abc123' });
    const google = await client.post(kbPath(REPLICA), { url: 'https://docs.google.com/document/d/1' });
    const again = await client.post(kbPath(REPLICA), { url: 'https://example.com/about' });
    expect(site.body.results[0]).toMatchObject({ type: 'website', enqueued: true });
    expect(video.body.results[0]).toMatchObject({ type: 'youtube', enqueued: true });
    expect(google.body.results[0]).toMatchObject({ enqueued: false });
    expect(again.status).toBe(409);
  });

  it('answers GET of an unknown entry, or of another replica’s entry, with the 404 envelope', async () => {
    const { client } = await boot();
    const created = await client.post(kbPath(REPLICA), { text: 'mine' });
    const id = created.body.results[0].knowledgeBaseID;
    const missing = await client.get(kbPath(REPLICA, 999_999));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ success: false, error: expect.any(String), request_id: expect.any(String) });
    expect((await client.get(kbPath(OTHER_REPLICA, id))).status).toBe(404);
  });

  it('patches the title (200 {success}) and rejects unknown PATCH keys with 400', async () => {
    const { client } = await boot();
    const created = await client.post(kbPath(REPLICA), { title: 'old/name.pdf', filename: 'name.pdf' });
    const id = created.body.results[0].knowledgeBaseID;
    const patched = await client.patch(kbPath(REPLICA, id), { title: 'new/name.pdf' });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ success: true });
    expect((await client.get(kbPath(REPLICA, id))).body.title).toBe('new/name.pdf');
    expect((await client.patch(kbPath(REPLICA, id), { status: 'READY' })).status).toBe(400);
    expect((await client.patch(kbPath(REPLICA, 424_242), { title: 'x' })).status).toBe(404);
  });

  it('deletes with 200, after which GET and a second DELETE answer 404; entries() keeps it flagged', async () => {
    const { sim, client } = await boot();
    const id = (await client.post(kbPath(REPLICA), { text: 'short-lived' })).body.results[0].knowledgeBaseID;
    const first = await client.delete(kbPath(REPLICA, id));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ success: true });
    expect((await client.get(kbPath(REPLICA, id))).status).toBe(404);
    expect((await client.delete(kbPath(REPLICA, id))).status).toBe(404);
    expect(sim.entries()[0]).toMatchObject({ id, deleted: true, deletedAt: expect.any(Number) });
    expect((await client.get(kbPath(REPLICA))).body.total).toBe(0);
  });

  it('deletes with 202 and a message in 202 mode', async () => {
    const { client } = await boot({ deleteMode: '202' });
    const id = (await client.post(kbPath(REPLICA), { text: 'short-lived' })).body.results[0].knowledgeBaseID;
    const res = await client.delete(kbPath(REPLICA, id));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, message: expect.any(String) });
    expect((await client.delete(kbPath(REPLICA, id))).status).toBe(404);
  });

  it('lists the supported file types', async () => {
    const { client } = await boot();
    const res = await client.get('/v1/knowledge-base/file-types');
    expect(res.status).toBe(200);
    const pdf = res.body.mediaGroups.flatMap((g: { fileTypes: unknown[] }) => g.fileTypes).find((t: { extensions: string[] }) => t.extensions.includes('.pdf'));
    expect(pdf).toMatchObject({ mimeTypes: ['application/pdf'], supportLevel: 'production' });
  });
});
