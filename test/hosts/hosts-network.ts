/**
 * Where the hosts of a `test:hosts` file run and how they reach PostgreSQL and the simulator.
 *
 * As root with `ip netns` (CI and these machines): every host slot is a network namespace of its
 * own (test/support/netns-lab.ts), and a private PostgreSQL cluster, started here, listens on the
 * root side of every veth pair (and 127.0.0.1, for the test itself); host i's state URL names the
 * root side of its own pair, and the simulator listens on the root side of slot 0's, which the
 * other namespaces reach through their own pair. Nothing listens anywhere else.
 *
 * Otherwise the hosts are plain processes on loopback, on a private cluster when root or on the
 * shared server when not, and a visible line says so.
 */
import { randomBytes } from 'node:crypto';
import { openNetnsLab, type NetnsLab } from '../support/netns-lab.js';
import { startPrivateCluster, type PrivateCluster } from '../support/pg-private-cluster.js';
import { createPgTestDatabase, pgUnavailableReason } from '../support/pg-test-db.js';
import { userInfo } from 'node:os';

export interface HostsDatabase {
  /** The password-less URL host slot `slot` uses. */
  url(slot: number): string;
  /** Its URL from the test itself (loopback). */
  readonly localUrl: string;
  drop(): Promise<void>;
}

export interface HostsNetwork {
  readonly mode: 'netns' | 'loopback';
  /** Where the simulator listens. */
  readonly simHost: string;
  /** The private cluster, when there is one (a test may stop and start it). */
  readonly cluster: PrivateCluster | null;
  /** The argv prefix that runs a command as host slot `slot` ([] on loopback). */
  exec(slot: number): string[];
  /** The address host slot `slot`'s connections come from. */
  address(slot: number): string;
  createDatabase(prefix: string): Promise<HostsDatabase>;
  close(): Promise<void>;
}

/** Null when hosts can run (whichever way); else why not, for a visible skip. */
export async function hostsNetworkUnavailable(needCluster: boolean): Promise<string | null> {
  if (userInfo().uid === 0) return null;
  if (needCluster) return 'not running as root (a private PostgreSQL cluster needs runuser)';
  const reason = await pgUnavailableReason();
  return reason === null ? null : `no PostgreSQL on the shared server (${reason})`;
}

export async function openHostsNetwork(slots: number, what: string): Promise<HostsNetwork> {
  const opened = await openNetnsLab(slots);
  if ('lab' in opened) return namespaced(opened.lab);
  console.warn(`[fallback] ${what}: hosts run as plain processes on loopback, not in network namespaces (${opened.unavailable})`);
  const cluster = userInfo().uid === 0 ? await startPrivateCluster() : null;
  return {
    mode: 'loopback',
    simHost: '127.0.0.1',
    cluster,
    exec: () => [],
    address: () => '127.0.0.1',
    createDatabase: (prefix) => (cluster ? clusterDatabase(cluster, prefix, () => '127.0.0.1') : sharedDatabase(prefix)),
    close: async () => void (await cluster?.destroy()),
  };
}

async function namespaced(lab: NetnsLab): Promise<HostsNetwork> {
  const host = (slot: number) => {
    const found = lab.hosts[slot];
    if (found === undefined) throw new Error(`no host slot ${slot} (the lab has ${lab.hosts.length})`);
    return found;
  };
  let cluster: PrivateCluster;
  try {
    cluster = await startPrivateCluster({ listenOn: lab.hosts.map((h) => h.gateway), trust: lab.hosts.map((h) => h.address) });
  } catch (error) {
    await lab.destroy();
    throw error;
  }
  return {
    mode: 'netns',
    simHost: host(0).gateway,
    cluster,
    exec: (slot) => host(slot).exec,
    address: (slot) => host(slot).address,
    createDatabase: (prefix) => clusterDatabase(cluster, prefix, (slot) => host(slot).gateway),
    async close() {
      await cluster.destroy();
      await lab.destroy();
    },
  };
}

async function clusterDatabase(cluster: PrivateCluster, prefix: string, serverOf: (slot: number) => string): Promise<HostsDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await cluster.createDatabase(name);
  return {
    url: (slot) => `postgres://postgres@${serverOf(slot)}:${cluster.port}/${name}`,
    localUrl: cluster.url(name),
    // The cluster goes with the network, databases and all.
    drop: async () => undefined,
  };
}

async function sharedDatabase(prefix: string): Promise<HostsDatabase> {
  const database = await createPgTestDatabase(prefix);
  return { url: () => database.url, localUrl: database.url, drop: () => database.drop() };
}
