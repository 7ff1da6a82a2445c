import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config/types.js';
import { ConfigError } from '../../src/config/errors.js';
import { createHostSession, type HostSession } from '../../src/hosts/host-session.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { silentLog } from '../support/uploader-world.js';

const REPLICA = '3f1c7d8e-0000-4000-8000-00000000000a';
const LEASE_MS = 30_000;

function source(name: string, standby = false): SourceConfig {
  return { name, path: `/srv/${name}`, replicaUUID: REPLICA, include: ['**/*'], exclude: [], mode: 'file', onDelete: 'delete', maxDeletePercent: 20, priority: 0, requireText: false, update: 'replace', standby };
}

describe('host sessions on one store', () => {
  let dir: string;
  let store: SqliteStore;
  let clock: FakeClock;
  const sessions: HostSession[] = [];

  const session = (hostName: string, sources: SourceConfig[]) => {
    // Another machine: its process identity cannot be checked from here, only its lease.
    const made = createHostSession({ store, clock, log: silentLog, hostName, owner: `${hostName}:1:aa`, sources, sourceLeaseMs: LEASE_MS, pollLeaseMs: LEASE_MS });
    sessions.push(made);
    const start = made.start.bind(made);
    made.start = async () => {
      await start();
      made.keepAlive();
    };
    return made;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sensay-hosts-'));
    store = await openSqliteStore({ path: join(dir, 'state.db') });
    clock = new FakeClock();
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses at start a source another host owns, naming it and the standby way out', async () => {
    const office = session('office', [source('share'), source('scans')]);
    await office.start();
    expect(office.ownedSources()).toEqual(['scans', 'share']);
    const annex = session('annex', [source('share'), source('annex-only')]);
    const refused = await annex.start().then(() => null, (err: unknown) => err);
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused).toMatchObject({ code: 'SOURCE_OWNED' });
    expect((refused as ConfigError).issues).toEqual([expect.stringMatching(/^sources\[0\] "share": owned by host "office".*sources\[0\]\.standby: true/)]);
  });

  it('a standby takes the source over once the owner stopped renewing, and lets go when the owner comes back', async () => {
    const primary = session('primary', [source('share')]);
    await primary.start();
    const standby = session('standby', [source('share', true)]);
    const changes: string[][] = [];
    standby.onChange(() => changes.push(standby.ownedSources()));
    await standby.start();
    expect(standby.ownedSources()).toEqual([]);
    expect(await standby.foreignSources()).toEqual(new Set(['share']));

    // The primary keeps renewing while it runs: the standby keeps waiting.
    await clock.advance(3 * LEASE_MS);
    expect(standby.ownedSources()).toEqual([]);
    expect(primary.ownedSources()).toEqual(['share']);

    // The primary dies (its loop stops, nothing is given back): after its lease the standby holds it.
    await sessions[0]?.close();
    await clock.advance(LEASE_MS + LEASE_MS / 3 + 1);
    expect(standby.ownedSources()).toEqual(['share']);
    expect(changes).toEqual([['share']]);
    expect(await store.listSourceOwners()).toEqual([expect.objectContaining({ hostName: 'standby', homeHost: 'primary', asStandby: true, generation: 2 })]);

    // The primary comes back: it reclaims at start; the standby notices at its next renewal.
    const back = session('primary', [source('share')]);
    await back.start();
    expect(back.ownedSources()).toEqual(['share']);
    await clock.advance(LEASE_MS / 3 + 1);
    expect(standby.ownedSources()).toEqual([]);
    expect(changes).toEqual([['share'], []]);
  });

  it('one host at a time polls a replica', async () => {
    const a = session('a', [source('one')]);
    const b = session('b', [source('two')]);
    await a.start();
    await b.start();
    expect(await a.mayPoll(REPLICA)).toBe(true);
    expect(await b.mayPoll(REPLICA)).toBe(false);
    await clock.advance(LEASE_MS);
    expect(await b.mayPoll(REPLICA)).toBe(true);
    expect(await a.mayPoll(REPLICA)).toBe(false);
  });
});
