/**
 * `npm run test:hosts`: PostgreSQL restarts mid-run (issue 10 §5). Three hosts, each in a network
 * namespace of its own (hosts-network.ts), on a private cluster (started, restarted and removed
 * here, never the shared server): every host logs the lost connection, carries on once the
 * database is back, and nothing is lost or doubled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { privateClusterUnavailable } from '../support/pg-private-cluster.js';
import { openHostsNetwork, type HostsNetwork } from './hosts-network.js';
import { acceptedCreates, createHostsWorld, duplicateTitles, liveEntries, type HostsWorld } from './hosts-world.js';

const unavailable = await privateClusterUnavailable();
if (unavailable !== null) console.warn(`[skipped] PostgreSQL restart mid-run: ${unavailable}`);

describe.skipIf(unavailable !== null)('PostgreSQL restarting under three hosts', () => {
  let network: HostsNetwork | undefined;
  let world: HostsWorld | undefined;

  afterEach(async () => {
    await world?.close();
    await network?.close();
  });

  it('every host reconnects and carries on: all documents READY, none twice, no host exits', async () => {
    network = await openHostsNetwork(3, 'PostgreSQL restart mid-run');
    const cluster = network.cluster;
    if (cluster === null) throw new Error('a private cluster was expected (running as root)');
    world = await createHostsWorld({
      network,
      database: await network.createDatabase('sensay_restart'),
      uploadsPerHour: 100,
      sim: { faults: { latencyMs: { ms: 400, scope: 'upload' } } },
      hosts: ['a', 'b', 'c'].map((name) => ({ name: `host-${name}`, sources: [{ name, replicaUUID: `3f1c7d8e-0000-4000-8000-0000000000${name}${name}` }] })),
    });
    for (const source of ['a', 'b', 'c']) for (let i = 0; i < 5; i++) world.write(source, `doc-${i}.txt`, `${source} ${i}\n`);
    const w = world;
    const hosts = ['a', 'b', 'c'].map((name) => w.start(`host-${name}`));
    await hosts[0]?.until('the first creates', () => acceptedCreates(w.sim).length >= 3, 60_000);

    await cluster.stop('fast');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await cluster.start();

    await hosts[0]
      ?.until('all 15 READY', () => liveEntries(w.sim).filter((e) => e.status === 'READY').length >= 15, 120_000)
      .catch((err: unknown) => {
        const byReplica = liveEntries(w.sim).map((e) => `${e.replicaUUID.slice(-2)}:${String(e.title)}:${e.status}`);
        const tails = hosts.map((h, i) => `--- host ${i}\n${h.stderr().split('\n').filter((l) => !l.startsWith('{')).slice(-40).join('\n')}`);
        throw new Error(`${String(err).slice(0, 200)}\nentries: ${byReplica.join(' ')}\n${tails.join('\n')}`);
      });
    expect(duplicateTitles(w.sim)).toEqual([]);
    expect(liveEntries(w.sim)).toHaveLength(15);
    for (const host of hosts) {
      expect(host.stderr()).toMatch(/PostgreSQL connection to .* lost/);
      expect((await host.stop('SIGTERM')).code).toBe(0);
    }
  }, 240_000);
});
