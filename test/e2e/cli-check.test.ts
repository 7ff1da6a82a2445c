import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET_CORRECT, startSimulator } from '../../src/sim/index.js';
import { runBuiltCli } from '../support/run-cli.js';

const REPLICA = '3f2b8a4c-1d2e-4f5a-9b6c-7d8e9f0a1b2c';
const CANARY = 'canary-secret-7f3e9d1c5b';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
let dir: string;
let configPath: string;

function writeConfig(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body, null, 2));
  return path;
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, secret: CANARY });
  dir = mkdtempSync(join(tmpdir(), 'sensay-check-'));
  mkdirSync(join(dir, 'docs'));
  configPath = writeConfig('sensay-ingest.config.json', {
    api: { baseUrl: 'https://api.sensay.io', userId: 'user-42' },
    state: 'state/state.db',
    status: { pollIntervalSeconds: 1 },
    sources: [{ path: 'docs', replicaUUID: REPLICA }],
  });
});

afterAll(async () => {
  await sim?.close();
});

describe('sensay-ingest check', () => {
  it('reports the replica reachable with its entry count and exits 0 with the right secret', async () => {
    const run = await runBuiltCli(['check', '--config', configPath, '--json'], {
      env: { SENSAY_ORGANIZATION_SECRET: CANARY, SENSAY_API_URL: sim.url },
    });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(true);
    expect(report.replicas).toEqual([expect.objectContaining({ replicaUUID: REPLICA, outcome: 'ok', entries: 0 })]);
  });

  it('sends the documented headers on every API request', async () => {
    const before = sim.requests().length;
    await runBuiltCli(['check', '--config', configPath], {
      env: { SENSAY_ORGANIZATION_SECRET: CANARY, SENSAY_API_URL: sim.url },
    });
    const sent = sim.requests().slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) {
      expect(request.headers['x-organization-secret']).toBe(SECRET_CORRECT);
      expect(request.headers['x-api-version']).toBe('2025-03-25');
      expect(request.headers['x-user-id']).toBe('user-42');
      expect(request.headers['user-agent']).toMatch(/^sensay-ingest\/\d+\.\d+\.\d+/);
    }
    expect(sent.some((r) => r.method === 'GET' && r.query.pageSize === '0')).toBe(true);
  });

  it('exits 3 with a wrong secret and prints neither secret', async () => {
    const wrong = 'wrong-secret-a1b2c3d4';
    const run = await runBuiltCli(['check', '--config', configPath], {
      env: { SENSAY_ORGANIZATION_SECRET: wrong, SENSAY_API_URL: sim.url },
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/NOT AUTHORISED/);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(run.stdout + run.stderr).not.toContain(CANARY);
  });

  it('exits 2 naming the key when a replicaUUID is invalid', async () => {
    const bad = writeConfig('bad.config.json', { sources: [{ path: 'docs', replicaUUID: 'abc' }] });
    const run = await runBuiltCli(['check', '--config', bad], {
      env: { SENSAY_ORGANIZATION_SECRET: CANARY, SENSAY_API_URL: sim.url },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('sources[0].replicaUUID');
    expect(run.stderr).toContain('"abc"');

    const json = await runBuiltCli(['check', '--config', bad, '--json'], {
      env: { SENSAY_ORGANIZATION_SECRET: CANARY, SENSAY_API_URL: sim.url },
    });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'CONFIG_INVALID' }, exitCode: 2 });
  });

  it('exits 2 and says how to provide the secret when none is set', async () => {
    const run = await runBuiltCli(['check', '--config', configPath], { env: { SENSAY_API_URL: sim.url } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SENSAY_ORGANIZATION_SECRET');
  });

  it('exits 4 when the API cannot be reached', async () => {
    const closed = await startSimulator({ port: 0 });
    const url = closed.url;
    await closed.close();
    const run = await runBuiltCli(['check', '--config', configPath], {
      env: { SENSAY_ORGANIZATION_SECRET: CANARY, SENSAY_API_URL: url },
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/UNREACHABLE/);
  }, 60_000);

  it('never writes the secret into output or state files', async () => {
    writeFileSync(join(dir, 'docs', 'canary.md'), '# A document\n\nSynced so that the state database has rows to search.\n');
    const sync = await runBuiltCli(['sync', '--config', configPath, '--wait', '--max-wait', '30'], {
      env: { SENSAY_ORGANIZATION_SECRET: CANARY, SENSAY_API_URL: sim.url, SENSAY_INGEST_LOG_LEVEL: 'trace' },
      timeoutMs: 60_000,
    });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout + sync.stderr).not.toContain(CANARY);
    expect(readdirSync(join(dir, 'state'))).toContain('state.db');
    const runs = await Promise.all([
      runBuiltCli(['check', '--config', configPath, '--json'], { env: { SENSAY_ORGANIZATION_SECRET: CANARY, SENSAY_API_URL: sim.url, SENSAY_INGEST_LOG_LEVEL: 'trace' } }),
      runBuiltCli(['check', '--config', configPath], { env: { SENSAY_ORGANIZATION_SECRET: CANARY, SENSAY_API_URL: sim.url, SENSAY_INGEST_LOG_LEVEL: 'trace' } }),
    ]);
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(CANARY);
    for (const file of walk(dir)) expect(readFileSync(file).includes(CANARY), file).toBe(false);
  });
});

describe('sensay-ingest --help', () => {
  it('lists every command, including those still to come', async () => {
    const run = await runBuiltCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['sync', 'watch', 'schedule', 'status', 'retry', 'check', 'extract', 'sim']) {
      expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
    expect(run.stdout).toContain('SENSAY_ORGANIZATION_SECRET');
  });

  it('exits 2 on an unknown command', async () => {
    const run = await runBuiltCli(['frobnicate']);
    expect(run.code).toBe(2);
  });
});

function walk(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
