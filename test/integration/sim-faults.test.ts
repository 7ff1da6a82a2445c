import { describe, expect, it, vi } from 'vitest';
import { SimulatorOptionsError, startSimulator, type SimulatorOptions } from '../../src/sim/index.js';
import { useSimulator } from '../support/sim-harness.js';
import { kbPath, REPLICA, SimClient } from '../support/sim-client.js';

const simulator = useSimulator();
const boot = simulator.boot;

const list = (c: SimClient) => c.get(kbPath(REPLICA), { query: { pageSize: 0 } });

describe('simulator: injected server errors', () => {
  it('fails the next N requests with 500 and inner_exception, then recovers', async () => {
    const { sim, client } = await boot();
    sim.inject({ status5xx: { next: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await list(client));
    expect(statuses.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(statuses[0]?.body).toMatchObject({ success: false, request_id: expect.any(String), inner_exception: { name: expect.any(String) } });
    expect(sim.stats().injectedErrors).toBe(2);
  });

  it('fails every N-th request, optionally with a non-JSON gateway page', async () => {
    const { sim, client } = await boot();
    sim.inject({ status5xx: { every: 3, status: 503, body: 'html' } });
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await list(client));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 503, 200, 200, 503]);
    expect(responses[2]?.headers['content-type']).toMatch(/text\/html/);
    sim.resetFaults();
    expect((await list(client)).status).toBe(200);
  });

  it('answers an injected error on DELETE (where 500 is undeclared) in the same envelope', async () => {
    const { sim, client } = await boot();
    const id = (await client.post(kbPath(REPLICA), { text: 'x' })).body.results[0].knowledgeBaseID;
    sim.inject({ status5xx: { next: 1 } });
    const failed = await client.delete(kbPath(REPLICA, id));
    expect(failed.status).toBe(500);
    expect((await client.delete(kbPath(REPLICA, id))).status).toBe(200);
  });

  it('can aim errors at signed uploads only', async () => {
    const { sim, client } = await boot();
    const created = await client.post(kbPath(REPLICA), { filename: 'a.pdf' });
    sim.inject({ status5xx: { next: 1, status: 503, scope: 'upload' } });
    expect((await list(client)).status).toBe(200);
    expect((await client.upload(created.body.results[0].signedURL, 'bytes')).status).toBe(503);
    expect((await client.upload(created.body.results[0].signedURL, 'bytes')).status).toBe(200);
  });
});

describe('simulator: latency', () => {
  it('holds the answer until the simulator clock has moved by the injected latency', async () => {
    const { sim, client } = await boot();
    sim.inject({ latencyMs: 5_000 });
    let settled = false;
    const pending = list(client);
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await vi.waitFor(() => expect(simulator.clock.pendingSleeps).toBe(1));
    expect(settled).toBe(false);
    await simulator.clock.advance(5_000);
    expect((await pending).status).toBe(200);
  });
});

describe('simulator: dropped connections', () => {
  it('destroys the socket without an answer and does not process the request', async () => {
    const { sim, client } = await boot();
    sim.inject({ dropConnection: { next: 1 } });
    await expect(client.post(kbPath(REPLICA), { text: 'lost' })).rejects.toThrow();
    expect(sim.entries()).toHaveLength(0);
    expect((await client.post(kbPath(REPLICA), { text: 'kept' })).status).toBe(207);
    expect(sim.requests().map((r) => r.outcome)).toEqual(['dropped', 'answered']);
    expect(sim.stats().dropped).toBe(1);
  });

  it('cuts an upload mid-body; the entry stays NEW and the same URL works afterwards', async () => {
    const { sim, client } = await boot();
    const created = await client.post(kbPath(REPLICA), { filename: 'big.pdf' });
    const signedURL = created.body.results[0].signedURL;
    sim.inject({ dropConnection: { next: 1, scope: 'upload' } });
    await expect(client.upload(signedURL, Buffer.alloc(512 * 1024, 1))).rejects.toThrow();
    expect(sim.entries()[0]).toMatchObject({ status: 'NEW', upload: null });
    expect((await client.upload(signedURL, Buffer.alloc(512 * 1024, 1))).status).toBe(200);
    expect(sim.entries()[0]?.upload?.size).toBe(512 * 1024);
  });

  it('processes a create but drops its answer in createTimeout drop mode (the ambiguous outcome)', async () => {
    const { sim, client } = await boot({ uploadsPerHour: 1 });
    sim.inject({ createTimeout: { next: 1, mode: 'drop' } });
    await expect(client.post(kbPath(REPLICA), { title: 'maybe.pdf', filename: 'maybe.pdf' })).rejects.toThrow();
    expect(sim.entries()).toMatchObject([{ title: 'maybe.pdf', status: 'NEW' }]);
    expect((await client.post(kbPath(REPLICA), { filename: 'next.pdf' })).status).toBe(429);
    expect(sim.stats()).toMatchObject({ creates: 1, createTimeouts: 1 });
  });

  it('processes a create and never answers in createTimeout hang mode, until the client gives up', async () => {
    const { sim, client } = await boot();
    sim.inject({ createTimeout: { next: 1 } });
    const abort = new AbortController();
    const pending = client.post(kbPath(REPLICA), { text: 'hang on' }, { signal: abort.signal });
    await vi.waitFor(() => expect(sim.entries()).toHaveLength(1));
    abort.abort();
    await expect(pending).rejects.toThrow();
    expect(sim.requests()[0]?.outcome).toBe('hung');
  });

  it('close() ends hung and slow requests instead of waiting for them', async () => {
    const { sim, client } = await boot();
    sim.inject({ createTimeout: { next: 1 } });
    const hung = client.post(kbPath(REPLICA), { text: 'hang on' });
    await vi.waitFor(() => expect(sim.entries()).toHaveLength(1));
    sim.inject({ latencyMs: 60_000 });
    const outcomes = Promise.allSettled([hung, list(client)]);
    await vi.waitFor(() => expect(simulator.clock.pendingSleeps).toBe(1));
    await sim.close();
    expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('simulator: options', () => {
  it.each([
    [{ uploadsPerHour: 0 }, 'uploadsPerHour'],
    [{ requestsPerMinute: 1.5 }, 'requestsPerMinute'],
    [{ replicas: ['not-a-uuid'] }, 'replicas[0]'],
    [{ deleteMode: '204' as '200' }, 'deleteMode'],
    [{ timeline: { stepMs: -1 } }, 'timeline.stepMs'],
    [{ failures: [{ match: 'x', unprocessable: true, stuck: true }] }, 'failures[0]'],
    [{ faults: { status5xx: { next: 0 } } }, 'faults.status5xx.next'],
  ] as [SimulatorOptions, string][])('rejects %j naming the key', async (options, key) => {
    const error = await startSimulator(options).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SimulatorOptionsError);
    expect(error).toMatchObject({ code: 'SIM_INVALID_OPTION', key });
  });

  it('validates faults injected at runtime too', async () => {
    const { sim } = await boot();
    expect(() => sim.inject({ status5xx: { every: 2, status: 404 } })).toThrow(/status5xx\.status/);
  });
});
