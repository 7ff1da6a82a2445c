import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorOptionsError, startSimulator, type Simulator } from '../../src/sim/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { kbPath, REPLICA, SimClient } from '../support/sim-client.js';

let sim: Simulator | undefined;
let client: SimClient | undefined;

afterEach(async () => {
  await client?.close();
  await sim?.close();
  sim = client = undefined;
});

describe('simulator: an injected throttle burst', () => {
  it('answers the next N API calls 429 with Retry-After, then serves again', async () => {
    sim = await startSimulator({ clock: new FakeClock() });
    client = new SimClient(sim);
    sim.inject({ throttle: { next: 2, retryAfterSeconds: 3 } });
    const first = await client.get(kbPath(REPLICA), { query: { pageSize: 0 } });
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('3');
    expect(first.body).toMatchObject({ success: false, error_code: 'REQUEST_RATE_LIMIT_EXCEEDED' });
    expect((await client.get(kbPath(REPLICA), { query: { pageSize: 0 } })).status).toBe(429);
    expect((await client.get(kbPath(REPLICA), { query: { pageSize: 0 } })).status).toBe(200);
    expect(sim.stats().throttled).toBe(2);
  });

  it('refuses a malformed throttle', async () => {
    sim = await startSimulator({ clock: new FakeClock() });
    expect(() => sim?.inject({ throttle: { next: 0 } })).toThrow(SimulatorOptionsError);
    expect(() => sim?.inject({ throttle: { next: 1, retryAfterSeconds: -1 } })).toThrow(SimulatorOptionsError);
  });
});
