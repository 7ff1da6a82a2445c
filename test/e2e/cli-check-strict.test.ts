import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStrictStubServer, type StrictStubServer } from '../support/strict-stub-server.js';
import { runBuiltCli } from '../support/run-cli.js';

/**
 * `check` against a server that is not our simulator: a strict implementation of the OpenAPI
 * subset that refuses anything the schema does not allow (unknown query keys, a missing version
 * header, a wrong secret), so the CLI cannot pass by agreeing with our own simulator's leniency.
 */
const SECRET = 'strict-secret-5e6f7a8b';
const REPLICA = '0b6e2c8d-4f1a-4b3c-9d5e-6f7a8b9c0d1e';
let server: StrictStubServer;
let configPath: string;

beforeAll(async () => {
  server = await startStrictStubServer({ secret: SECRET, apiVersion: '2025-03-25' });
  server.route('GET', `/v1/replicas/${REPLICA}/knowledge-base`, { status: 200, json: { success: true, items: [], total: 42 } });
  const dir = mkdtempSync(join(tmpdir(), 'sensay-strict-'));
  mkdirSync(join(dir, 'docs'));
  configPath = join(dir, 'sensay-ingest.config.json');
  writeFileSync(configPath, JSON.stringify({ sources: [{ path: 'docs', replicaUUID: REPLICA }] }));
});

afterAll(async () => {
  await server?.close();
});

describe('check against a strict OpenAPI server', () => {
  it('exits 0 and reports the total, having sent a request the strict server accepts', async () => {
    const run = await runBuiltCli(['check', '--config', configPath, '--json'], {
      env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: server.url },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).replicas[0]).toMatchObject({ outcome: 'ok', entries: 42 });
    expect(server.responseProblems).toEqual([]);

    const [request] = server.requestsTo('GET', `/v1/replicas/${REPLICA}/knowledge-base`);
    const names = request!.rawHeaders.map(([name]) => name.toLowerCase());
    expect(request!.headers['x-organization-secret']).toBe(SECRET);
    expect(request!.headers['x-api-version']).toBe('2025-03-25');
    expect(request!.headers['user-agent']).toMatch(/^sensay-ingest\//);
    expect(names).not.toContain('content-type');
    expect(request!.query.get('pageSize')).toBe('0');
  });

  it('exits 3 with a wrong secret and never prints it', async () => {
    const wrong = 'wrong-strict-secret-1234';
    const run = await runBuiltCli(['check', '--config', configPath], {
      env: { SENSAY_ORGANIZATION_SECRET: wrong, SENSAY_API_URL: server.url },
    });
    expect(run.code).toBe(3);
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });
});
