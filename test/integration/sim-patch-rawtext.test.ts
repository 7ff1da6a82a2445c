import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../support/sim-harness.js';
import { kbPath, REPLICA, SimClient } from '../support/sim-client.js';

/** PATCH { rawText } on the simulator: every answer goes through the OpenAPI validator (SimClient). */
const simulator = useSimulator({ timeline: { stepMs: 1_000 } });
const boot = simulator.boot;

async function createText(c: SimClient, title: string, text: string): Promise<number> {
  const res = await c.post(kbPath(REPLICA), { title, text });
  expect(res.status).toBe(207);
  return res.body.results[0].knowledgeBaseID as number;
}

const read = async (c: SimClient, id: number) => (await c.get(kbPath(REPLICA, id))).body as { status: string; rawText?: string; error?: unknown };

describe('simulator: PATCH rawText re-processes a text entry', () => {
  it('replaces the text and walks the timeline again from NEW to READY', async () => {
    const { sim, client } = await boot();
    const id = await createText(client, 'guide.md', 'version one');
    await simulator.clock.advance(10_000);
    expect(await read(client, id)).toMatchObject({ status: 'READY', rawText: 'version one' });

    const patched = await client.patch(kbPath(REPLICA, id), { rawText: 'version two' });
    expect(patched).toMatchObject({ status: 200, body: { success: true } });
    expect(await read(client, id)).toMatchObject({ status: 'NEW', rawText: 'version two' });
    await simulator.clock.advance(1_000);
    expect((await read(client, id)).status).toBe('RAW_TEXT');
    await simulator.clock.advance(10_000);
    expect((await read(client, id)).status).toBe('READY');
    expect(sim.stats()).toMatchObject({ patches: 1, rawTextPatches: 1, creates: 1 });
    expect(sim.entries()[0]).toMatchObject({ text: 'version two', status: 'READY' });
  });

  it('takes a gzipped body (Content-Encoding: gzip), as the schema allows', async () => {
    const { client } = await boot();
    const id = await createText(client, 'big.md', 'short');
    const big = 'A long line of text. '.repeat(5_000);
    const res = await client.send('PATCH', kbPath(REPLICA, id), {
      raw: gzipSync(JSON.stringify({ rawText: big })),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    expect((await read(client, id)).rawText).toBe(big);
  });

  it('a title-only PATCH does not restart processing', async () => {
    const { client } = await boot();
    const id = await createText(client, 'a.md', 'text');
    await simulator.clock.advance(10_000);
    await client.patch(kbPath(REPLICA, id), { title: 'b.md' });
    expect((await read(client, id)).status).toBe('READY');
  });

  it('plans failures for patch runs: on "patch", and on "any" with skip', async () => {
    const { client } = await boot({
      failures: [
        { match: 'p.md', on: 'patch', errorTimes: 1 },
        { match: 'q.md', on: 'any', skip: 1, errorTimes: 2, message: 'boom' },
      ],
    });
    const p = await createText(client, 'p.md', 'one');
    const q = await createText(client, 'q.md', 'one');
    await simulator.clock.advance(10_000);
    expect((await read(client, p)).status).toBe('READY');
    expect((await read(client, q)).status).toBe('READY');

    await client.patch(kbPath(REPLICA, p), { rawText: 'two' });
    await client.patch(kbPath(REPLICA, q), { rawText: 'two' });
    await simulator.clock.advance(10_000);
    expect(await read(client, p)).toMatchObject({ status: 'RAW_TEXT', error: { message: expect.any(String) } });
    expect(await read(client, q)).toMatchObject({ status: 'RAW_TEXT', error: { message: 'boom' } });

    // p: its second patch run goes through; q: the next run (a create) is its second failure.
    await client.patch(kbPath(REPLICA, p), { rawText: 'three' });
    const q2 = await createText(client, 'q.md', 'two');
    await simulator.clock.advance(10_000);
    expect((await read(client, p)).status).toBe('READY');
    expect((await read(client, q2)).error).toMatchObject({ message: 'boom' });
    const q3 = await createText(client, 'q.md', 'two');
    await simulator.clock.advance(10_000);
    expect(await read(client, q3)).toMatchObject({ status: 'READY' });
  });

  it('refusePatch answers a rawText PATCH with the 4xx and changes nothing; a title PATCH passes', async () => {
    const { sim, client } = await boot({ failures: [{ match: '*.md', refusePatch: 400 }] });
    const id = await createText(client, 'r.md', 'kept');
    await simulator.clock.advance(10_000);
    const refused = await client.patch(kbPath(REPLICA, id), { rawText: 'new' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ success: false, error: expect.stringContaining('rawText') });
    expect(await read(client, id)).toMatchObject({ status: 'READY', rawText: 'kept' });
    expect((await client.patch(kbPath(REPLICA, id), { title: 'r2.md' })).status).toBe(200);
    expect(sim.stats().rawTextPatches).toBe(0);
  });

  it('patchTimeout applies the PATCH but never answers it', async () => {
    const { sim, client } = await boot({ faults: { patchTimeout: { next: 1, mode: 'drop' } } });
    const id = await createText(client, 't.md', 'before');
    await expect(client.patch(kbPath(REPLICA, id), { rawText: 'after' })).rejects.toThrow();
    expect(sim.entries()[0]).toMatchObject({ text: 'after', status: 'NEW' });
    expect((await client.patch(kbPath(REPLICA, id), { rawText: 'again' })).status).toBe(200);
  });
});
