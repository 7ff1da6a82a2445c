import { describe, expect, it } from 'vitest';
import { QUOTA_CODE } from '../../src/sim/index.js';
import { useSimulator } from '../support/sim-harness.js';
import { kbPath, REPLICA, SimClient } from '../support/sim-client.js';

const simulator = useSimulator();
const boot = simulator.boot;

const MINUTE = 60_000;
const create = (c: SimClient, n: number) => c.post(kbPath(REPLICA), { title: `doc-${n}.txt`, filename: `doc-${n}.txt` });

describe('simulator: uploads per hour (sliding window over creates)', () => {
  it('allows 10 creates in any hour and tells the 11th exactly when the oldest leaves the window', async () => {
    const { sim, client } = await boot();
    for (let i = 0; i < 5; i++) expect((await create(client, i)).status).toBe(207);
    await simulator.clock.advance(10 * MINUTE);
    for (let i = 5; i < 10; i++) expect((await create(client, i)).status).toBe(207);

    const refused = await create(client, 10);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe(String(50 * 60));
    expect(refused.body.error_code).not.toMatch(/QUOTA/);

    await simulator.clock.advance(50 * MINUTE - 1_000);
    const stillRefused = await create(client, 10);
    expect(stillRefused.headers['retry-after']).toBe('1');
    await simulator.clock.advance(1_000);
    expect((await create(client, 10)).status).toBe(207);
    expect(sim.entries()).toHaveLength(11);
    expect(sim.stats()).toMatchObject({ creates: 11, throttledUploads: 2 });
  });

  it('counts text creates too, and the POST counts even when the file is never uploaded', async () => {
    const { client } = await boot({ uploadsPerHour: 2 });
    expect((await client.post(kbPath(REPLICA), { text: 'one' })).status).toBe(207);
    expect((await create(client, 2)).status).toBe(207);
    expect((await client.post(kbPath(REPLICA), { text: 'three' })).status).toBe(429);
  });
});

describe('simulator: requests per minute', () => {
  it('admits 100 requests in any minute and answers the next with 429 + Retry-After', async () => {
    const { sim, client } = await boot();
    for (let i = 0; i < 50; i++) expect((await client.get(kbPath(REPLICA), { query: { pageSize: 0 } })).status).toBe(200);
    await simulator.clock.advance(20_000);
    for (let i = 0; i < 50; i++) expect((await client.get('/v1/knowledge-base/file-types')).status).toBe(200);

    const refused = await client.get(kbPath(REPLICA));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('40');
    expect(refused.body).toMatchObject({ success: false, error_code: 'REQUEST_RATE_LIMIT_EXCEEDED' });

    await simulator.clock.advance(40_000);
    expect((await client.get(kbPath(REPLICA))).status).toBe(200);
    expect(sim.stats().throttledRequests).toBe(1);
  });

  it('does not spend the budget on unauthenticated requests or on signed uploads', async () => {
    const { client } = await boot({ requestsPerMinute: 2 });
    for (let i = 0; i < 5; i++) expect((await client.get(kbPath(REPLICA), { secret: 'nope' })).status).toBe(401);
    const created = await create(client, 1);
    for (let i = 0; i < 3; i++) await client.upload(created.body.results[0].signedURL, 'x');
    expect((await client.get(kbPath(REPLICA))).status).toBe(200);
    expect((await client.get(kbPath(REPLICA))).status).toBe(429);
  });
});

describe('simulator: quota mode', () => {
  it('refuses creates with the quota error code and no Retry-After, until quota mode is switched off', async () => {
    const { sim, client } = await boot({ quota: true });
    const refused = await create(client, 1);
    expect(refused.status).toBe(429);
    expect(refused.body.error_code).toBe(QUOTA_CODE);
    expect(refused.headers).not.toHaveProperty('retry-after');
    expect(sim.entries()).toHaveLength(0);
    expect((await client.get(kbPath(REPLICA))).status).toBe(200);

    sim.setQuota(false);
    expect((await create(client, 1)).status).toBe(207);
    expect(sim.stats().quotaRejected).toBe(1);
  });
});
