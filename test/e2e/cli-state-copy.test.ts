import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { createPgTestDatabase, pgOrSkipMessage, type PgTestDatabase } from '../support/pg-test-db.js';
import { runBuiltCli, type CliRun } from '../support/run-cli.js';

const REPLICA = '5a1c9e3b-2d4f-4a6b-8c0d-1e2f3a4b5c6e';
const SECRET = 'e2e-state-copy-secret-77';

const available = await pgOrSkipMessage('state copy and PostgreSQL state through the CLI');

describe.skipIf(!available)('sensay-ingest on PostgreSQL through the built CLI', () => {
  let database: PgTestDatabase | undefined;
  let sim: Simulator | undefined;
  let ws: CliWorkspace | undefined;
  beforeAll(async () => {
    database = await createPgTestDatabase('sensay_e2e_copy');
  });
  afterAll(async () => {
    await database?.drop();
  });
  afterEach(async () => {
    await sim?.close();
    ws?.remove();
  });
  const url = () => database?.url ?? '';

  async function setUp() {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 } });
    ws = createCliWorkspace({ prefix: 'cli-state-copy-', replicaUUID: REPLICA });
    const env = { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url };
    const w = ws;
    const cli = (...args: string[]): Promise<CliRun> => runBuiltCli([...args, '--config', w.configPath], { env, timeoutMs: 60_000 });
    return { sim, ws, cli };
  }

  it('copies a SQLite state so that a sync on PostgreSQL uploads nothing again; refuses a non-empty target', async () => {
    const { sim, ws, cli } = await setUp();
    ws.write('a.md', '# Alpha\n\nfirst document');
    ws.write('sub/b.txt', 'second document, plain text');
    ws.write('c.md', '# Gamma\n\nthird document');
    const first = await cli('sync', '--wait', '--json');
    expect(first.code, first.stderr).toBe(0);
    const creates = () => sim.requests().filter((request) => request.method === 'POST').length;
    expect(creates()).toBe(3);

    const copy = await runBuiltCli(['state', 'copy', '--from', ws.statePath, '--to', url(), '--json']);
    expect(copy.code, copy.stderr).toBe(0);
    const copied = JSON.parse(copy.stdout) as { to: string; copied: Record<string, number> };
    expect(copied.to).toMatch(/^127\.0\.0\.1:5432\/sensay_e2e_copy_/);
    expect(copied.copied).toMatchObject({ documents: 3, budget_slots: 3 });
    expect(copied.copied.events).toBeGreaterThan(9);

    const again = await runBuiltCli(['state', 'copy', '--from', ws.statePath, '--to', url()]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not empty \(documents: 3.*add --replace/);

    const config = JSON.parse(readFileSync(ws.configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(ws.configPath, JSON.stringify({ ...config, state: url() }));
    const onPg = await cli('sync', '--json');
    expect(onPg.code, onPg.stderr).toBe(0);
    expect(JSON.parse(onPg.stdout)).toMatchObject({ documents: { ready: 3 }, thisRun: { uploaded: 0 } });
    expect(creates()).toBe(3);
    const status = await cli('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: copied.to, totals: { byState: { ready: 3 } }, budget: { used: 3 } });

    // A dry run plans on a private copy of the database: a new file is a create, the database stays as it was.
    ws.write('d.md', '# Delta\n\nfourth document');
    const dry = await cli('sync', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const plan = (JSON.parse(dry.stdout) as { plan: { action: string; path: string }[] }).plan;
    expect(plan).toEqual([expect.objectContaining({ action: 'create', path: 'd.md' })]);
    const after = await cli('status', '--json');
    expect(JSON.parse(after.stdout)).toMatchObject({ totals: { byState: { ready: 3, discovered: 0 } } });
    expect(creates()).toBe(3);

    const doctor = await cli('doctor', '--full', '--json');
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ state: copied.to, exists: true, check: 'full', ok: true, problems: [] });

    const replaced = await runBuiltCli(['state', 'copy', '--from', ws.statePath, '--to', url(), '--replace', '--json']);
    expect(replaced.code, replaced.stderr).toBe(0);
  }, 120_000);

  it('refuses a password on the command line or in the config, and names host:port/database when the server is not there', async () => {
    const { ws, cli } = await setUp();
    const withPassword = url().replace('postgres@', 'postgres:hunter2@');
    const copy = await runBuiltCli(['state', 'copy', '--from', ws.statePath, '--to', withPassword]);
    expect(copy.code).toBe(2);
    expect(copy.stderr).toMatch(/--to: the URL holds a password.*state\.urlFile.*PGPASSWORD/);
    expect(copy.stderr).not.toContain('hunter2');

    const config = JSON.parse(readFileSync(ws.configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(ws.configPath, JSON.stringify({ ...config, state: withPassword }));
    const inConfig = await cli('status');
    expect(inConfig.code).toBe(2);
    expect(inConfig.stderr).toMatch(/state\.url: the URL holds a password/);
    expect(inConfig.stderr).not.toContain('hunter2');

    writeFileSync(ws.configPath, JSON.stringify({ ...config, state: 'postgres://ingest@127.0.0.1:1/sensay' }));
    const down = await cli('status');
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/STORE_UNAVAILABLE.*Cannot reach the PostgreSQL state store 127\.0\.0\.1:1\/sensay/);
  }, 60_000);
});
