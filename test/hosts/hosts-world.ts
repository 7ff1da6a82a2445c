/**
 * Several hosts for the `test:hosts` suite: each host is a `watch` process of the built CLI with
 * its own `host.name`, config and folders, all on one PostgreSQL database and one simulator.
 * Plain processes on this machine (no network namespaces: the shared PostgreSQL server listens
 * on loopback only); each host still has an identity of its own and reaches nothing but them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { SimulatorOptions } from '../../src/sim/options.js';
import { spawnCli, type LiveCli } from '../e2e/cli-watch-harness.js';
import { runBuiltCli } from '../support/run-cli.js';

export interface HostSource {
  name: string;
  replicaUUID: string;
  standby?: boolean;
}

export interface HostSpec {
  name: string;
  sources: HostSource[];
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
  stateUrl: string;
  hosts: HostSpec[];
  uploadsPerHour: number;
  sim?: SimulatorOptions;
}): Promise<HostsWorld> {
  const sim = await startSimulator({ port: 0, uploadsPerHour: options.uploadsPerHour, timeline: { stepMs: 150 }, ...options.sim });
  const dir = mkdtempSync(join(tmpdir(), 'sensay-hosts-'));
  const folder = (source: string) => join(dir, 'shared', source);
  for (const host of options.hosts) {
    const hostDir = join(dir, host.name);
    mkdirSync(hostDir, { recursive: true });
    for (const source of host.sources) mkdirSync(folder(source.name), { recursive: true });
    writeFileSync(
      join(hostDir, 'config.json'),
      JSON.stringify({
        api: { baseUrl: sim.url },
        state: options.stateUrl,
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
      const cli = spawnCli(['watch', '--config', join(dir, host, 'config.json')], env, { killAfterMs: 240_000 });
      running.push(cli);
      return cli;
    },
    async status(host) {
      const run = await runBuiltCli(['status', '--json', '--config', join(dir, host, 'config.json')], { env });
      if (run.code !== 0) throw new Error(`status --json of ${host} exited ${run.code}: ${run.stderr}`);
      return JSON.parse(run.stdout) as StatusJson;
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
