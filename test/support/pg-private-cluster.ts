/**
 * A PostgreSQL 15 cluster of a test's own (DECISIONS "Tests and CI time"): initdb and pg_ctl run as
 * the `postgres` user through `runuser`, in a temp folder, on a free port, so a test may stop and
 * restart it without touching the shared server. Only when running as root (CI and these machines).
 */
import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../e2e/cli-watch-harness.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface PrivateCluster {
  readonly port: number;
  /** Password-less URL of a database in it. */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** `fast` ends every session (a restart as an operator does it); `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** Null when a private cluster can be made here, else why not (for a visible skip). */
export async function privateClusterUnavailable(): Promise<string | null> {
  if (userInfo().uid !== 0) return 'not running as root (runuser needs it)';
  if (!existsSync(join(BIN, 'initdb'))) return `no ${BIN}/initdb`;
  return null;
}

export interface PrivateClusterOptions {
  /** Addresses it listens on besides 127.0.0.1 (they must exist before it starts). */
  listenOn?: string[];
  /** Client addresses (besides loopback) let in without a password, as `host` lines of pg_hba.conf. */
  trust?: string[];
}

export async function startPrivateCluster(options: PrivateClusterOptions = {}): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sensay-pgcluster-'));
  const { uid, gid } = await postgresIds();
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { cwd: dir });
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const trusted = (options.trust ?? []).map((address) => `host all all ${address}/32 trust\n`).join('');
  if (trusted !== '') appendFileSync(join(data, 'pg_hba.conf'), trusted);
  const port = await freePort();
  const listen = ['127.0.0.1', ...(options.listenOn ?? [])].join(',');
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=${listen} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const cluster: PrivateCluster = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: cluster.url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
    },
    stop: async (mode = 'fast') => void (await asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop'])),
    start: async () => void (await asPostgres('pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'log'), '-w', 'start'])),
    async destroy() {
      await cluster.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
