/**
 * Several hosts for the `test:hosts` suite: each host is a `watch` process of the built CLI with
 * its own `host.name`, config and folders, all on one PostgreSQL database and one simulator. A
 * host runs in the network slot its spec names (its own network namespace, see hosts-network.ts)
 * and reaches nothing but them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { SimulatorOptions } from '../../src/sim/options.js';
import { spawnCli, type LiveCli } from '../e2e/cli-watch-harness.js';
import type { HostsDatabase, HostsNetwork } from './hosts-network.js';

export interface HostSource {
  name: string;
  replicaUUID: string;
  standby?: boolean;
}

export interface HostSpec {
  name: string;
  sources: HostSource[];
  /** The network slot it runs in; default its index in `hosts`. */
  slot?: number;
}

export interface HostsWorld {
  readonly sim: Simulator;
  readonly dir: string;
  /** The folder of a source (shared by every host configured with it: one shared drive). */
  folder(source: string): string;
  write(source: string, relPath: string, text: string): void;
  configPath(host: string): string;
  start(host: string): LiveCli;
  /** `status --json` as one host sees it. */
  status(host: string): Promise<StatusJson>;
  close(): Promise<void>;
}

export type StatusJson = {
  hosts?: Array<{ name: string; sources: string[] }>;
  bySource?: Array<{ source: string; host: string | null; documents: Record<string, number> }>;
  [key: string]: unknown;
};

export async function createHostsWorld(options: {
  network: HostsNetwork;
  database: HostsDatabase;
  hosts: HostSpec[];
  uploadsPerHour: number;
  sim?: SimulatorOptions;
}): Promise<HostsWorld> {
  const { network } = options;
  const sim = await startSimulator({ host: network.simHost, port: 0, uploadsPerHour: options.uploadsPerHour, timeline: { stepMs: 150 }, ...options.sim });
  const dir = mkdtempSync(join(tmpdir(), 'sensay-hosts-'));
  const folder = (source: string) => join(dir, 'shared', source);
  const slots = new Map(options.hosts.map((host, i) => [host.name, host.slot ?? i]));
  const slotOf = (host: string) => slots.get(host) ?? 0;
  for (const host of options.hosts) {
    const hostDir = join(dir, host.name);
    mkdirSync(hostDir, { recursive: true });
    for (const source of host.sources) mkdirSync(folder(source.name), { recursive: true });
    writeFileSync(
      join(hostDir, 'config.json'),
      JSON.stringify({
        api: { baseUrl: sim.url },
        state: options.database.url(slotOf(host.name)),
        host: { name: host.name, sourceLeaseSeconds: 5 },
        limits: { uploadsPerHour: options.uploadsPerHour },
        status: { pollIntervalSeconds: 1 },
        extraction: { workers: 1 },
        daemon: { awaitWriteFinishMs: 0, port: 0 },
        sources: host.sources.map((s) => ({ name: s.name, path: folder(s.name), replicaUUID: s.replicaUUID, standby: s.standby ?? false })),
      }),
    );
  }
  const env = { SENSAY_ORGANIZATION_SECRET: 'sim-secret', SENSAY_INGEST_LOG_LEVEL: 'info' };
  const running: LiveCli[] = [];
  return {
    sim,
    dir,
    folder,
    write(source, relPath, text) {
      writeFileSync(join(folder(source), relPath), text);
    },
    configPath: (host) => join(dir, host, 'config.json'),
    start(host) {
      const config = join(dir, host, 'config.json');
      const cli = spawnCli(['watch', '--config', config], env, { killAfterMs: 240_000, prefix: network.exec(slotOf(host)) });
      running.push(cli);
      return cli;
    },
    async status(host) {
      // Run where the host runs: PostgreSQL lets in only the hosts' own addresses.
      const run = spawnCli(['status', '--json', '--config', join(dir, host, 'config.json')], env, { killAfterMs: 30_000, prefix: network.exec(slotOf(host)) });
      const { code } = await run.exited;
      if (code !== 0) throw new Error(`status --json of ${host} exited ${code}: ${run.stderr()}`);
      return JSON.parse(run.stdout()) as StatusJson;
    },
    async close() {
      for (const cli of running) await cli.stop('SIGKILL');
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the simulator answered (2xx), by the time it received them. */
export function acceptedCreates(sim: Simulator): Array<{ at: number; path: string }> {
  return sim
    .requests()
    .filter((r) => r.method === 'POST' && /\/knowledge-base$/.test(r.path) && r.status !== null && r.status < 300)
    .map((r) => ({ at: r.at, path: r.path }));
}

export { busiestWindow } from '../support/sliding-window.js';

/** The addresses the simulator's requests came from. */
export function requestAddresses(sim: Simulator): Set<string> {
  return new Set(sim.requests().map((r) => r.remoteAddress));
}

/** The addresses the CLI's PostgreSQL sessions come from (its pool names itself `sensay-ingest`). */
export async function sessionAddresses(adminUrl: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ addr: string }>(
      "SELECT DISTINCT host(client_addr) AS addr FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sensay-ingest' AND client_addr IS NOT NULL",
    );
    return new Set(rows.map((row) => row.addr));
  } finally {
    await client.end();
  }
}

/** Titles held by more than one live entry of a replica. */
export function duplicateTitles(sim: Simulator): string[] {
  const seen = new Map<string, number>();
  for (const entry of liveEntries(sim)) {
    const key = `${entry.replicaUUID}\u0000${String(entry.title)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key.replace('\u0000', ' '));
}

/** Entries not deleted (the simulator keeps deleted ones, flagged, for inspection). */
export function liveEntries(sim: Simulator): ReturnType<Simulator['entries']> {
  return sim.entries().filter((entry) => !entry.deleted);
}
