import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSensayClient, GZIP_ABOVE_BYTES, type SensayClient } from '../../src/sensay/client.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { FakeClock } from '../support/fake-clock.js';

/** `patchEntry` with `rawText`, against the simulator: small bodies plain, large ones gzipped. */
const REPLICA = '03db5651-cb61-4bdf-9ef0-89561f7c9c53';
let sim: Simulator;
let client: SensayClient;

beforeEach(async () => {
  sim = await startSimulator({ timeline: { stepMs: 1000 } });
  client = createSensayClient({
    baseUrl: sim.url,
    apiVersion: '2025-03-25',
    secret: sim.secret,
    requestsPerMinute: 1000,
    clock: new FakeClock(0, { autoAdvance: true }),
    log: pino({ level: 'silent' }),
  });
});
afterEach(async () => {
  await client.close();
  await sim.close();
});

async function textEntry(): Promise<number> {
  const created = await client.createEntry(REPLICA, { title: 'guide.md', text: 'version one' });
  if (!created.ok) throw new Error('create failed');
  return created.knowledgeBaseID;
}

describe('patchEntry with rawText', () => {
  it('sends a small body as plain JSON', async () => {
    const id = await textEntry();
    await client.patchEntry(REPLICA, id, { rawText: 'version two' });
    const patch = sim.requests().find((r) => r.method === 'PATCH');
    expect(patch?.headers['content-encoding']).toBeUndefined();
    expect(sim.entries()[0]).toMatchObject({ text: 'version two', status: 'NEW' });
  });

  it('gzips a body over 64 KiB (Content-Encoding: gzip) and the server reads it whole', async () => {
    const id = await textEntry();
    const big = 'A sentence of the long document. '.repeat(Math.ceil((GZIP_ABOVE_BYTES * 2) / 33));
    await client.patchEntry(REPLICA, id, { rawText: big });
    const patch = sim.requests().find((r) => r.method === 'PATCH');
    expect(patch?.headers['content-encoding']).toBe('gzip');
    expect(Number(patch?.headers['content-length'])).toBeLessThan(GZIP_ABOVE_BYTES);
    expect(sim.entries()[0]?.text).toBe(big);
    expect((await client.getEntry(REPLICA, id))?.rawText).toBe(big);
  });

  it('a title-only PATCH still sends only the title', async () => {
    const id = await textEntry();
    await client.patchEntry(REPLICA, id, { title: 'renamed.md' });
    expect(sim.entries()[0]).toMatchObject({ title: 'renamed.md', text: 'version one' });
    expect(sim.stats().rawTextPatches).toBe(0);
  });
});
