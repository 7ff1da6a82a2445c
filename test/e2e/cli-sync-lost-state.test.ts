import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseAll } from './cli-watch-harness.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli, type CliRun } from '../support/run-cli.js';

const REPLICA = '7c2d4e6f-1a3b-4c5d-8e9f-0a1b2c3d4e5f';
const SECRET = 'e2e-lost-state-secret-9f3a';

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
afterEach(async () => {
  await releaseAll({ sim, workspace });
  sim = workspace = undefined;
});

async function setUp(options: { mode?: 'file' | 'text'; files: number }) {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 20 }, uploadsPerHour: Infinity, requestsPerMinute: Infinity });
  const ws = createCliWorkspace({
    prefix: 'cli-lost-state-',
    replicaUUID: REPLICA,
    config: { api: { baseUrl: 'https://api.sensay.io' }, limits: { uploadsPerHour: 1000, requestsPerMinute: 100_000 } },
    source: { mode: options.mode ?? 'file' },
  });
  workspace = ws;
  for (let i = 0; i < options.files; i++) ws.write(`notes/doc-${String(i).padStart(3, '0')}.md`, `# Note ${i}\n\n${'Words of this note. '.repeat(5 + (i % 7))}\n`);
  const s = sim;
  const cli = (args: string[], secret = SECRET): Promise<CliRun> =>
    runBuiltCli([...args, '--config', ws.configPath], { env: { SENSAY_ORGANIZATION_SECRET: secret, SENSAY_API_URL: s.url }, timeoutMs: 120_000 });
  return { sim: s, ws, cli };
}

function json(run: CliRun): Record<string, unknown> {
  expect(() => JSON.parse(run.stdout), `stdout: ${run.stdout}\nstderr: ${run.stderr}`).not.toThrow();
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

const forgetState = (ws: CliWorkspace) => rmSync(dirname(ws.statePath), { recursive: true, force: true });
const requestsSince = (s: Simulator, seq: number) => s.requests().filter((r) => r.seq > seq);
const lastSeq = (s: Simulator) => s.requests().at(-1)?.seq ?? 0;

describe('a lost state file costs no upload (issue 8 §4)', { timeout: 180_000 }, () => {
  it.each(['file', 'text'] as const)('%s mode: state deleted after a synced run → the next sync adopts everything, creates nothing; status shows every document ready', async (mode) => {
    const { sim: s, ws, cli } = await setUp({ mode, files: 5 });
    const first = await cli(['sync', '--wait', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(json(first)).toMatchObject({ documents: { ready: 5 }, thisRun: { uploaded: 5 } });

    forgetState(ws);
    // The dry run shows what would be adopted; it reads (GET) but writes nothing, not even the state.
    const beforeDry = lastSeq(s);
    const dry = await cli(['sync', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const preview = json(dry);
    expect(preview).toMatchObject({ adoptionChecked: true, unadopted: [] });
    expect((preview.wouldAdopt as { path: string }[]).map((a) => a.path).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `notes/doc-00${i}.md`));
    expect(requestsSince(s, beforeDry).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(existsSync(ws.statePath)).toBe(false);

    const before = lastSeq(s);
    const second = await cli(['sync', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(json(second)).toMatchObject({ documents: { ready: 5, queued: 0 }, thisRun: { uploaded: 0, adopted: 5 }, unadopted: [] });
    const sent = requestsSince(s, before);
    expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
    expect(sent.filter((r) => r.method === 'DELETE')).toEqual([]);
    // Proof by content, never by title: file mode read the bytes, text mode the rawText.
    const downloads = sent.filter((r) => r.path.startsWith('/__download/'));
    if (mode === 'file') expect(downloads.length).toBe(5);
    else expect(sent.filter((r) => r.method === 'GET' && /knowledge-base\/\d+$/.test(r.path)).length).toBe(5);
    // The download link is storage's, not the API's: our secret never goes there.
    expect(downloads.filter((r) => r.headers['x-organization-secret'] !== undefined)).toEqual([]);
    expect(s.stats().creates).toBe(5);

    const status = await cli(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(json(status)).toMatchObject({ totals: { byState: { ready: 5, queued: 0 } }, unadopted: [] });
  });

  it('an entry titled like ours but with other bytes is never adopted nor deleted: the file is uploaded, the entry listed under unadopted', async () => {
    const { sim: s, ws, cli } = await setUp({ files: 3 });
    expect((await cli(['sync', '--wait', '--json'])).code).toBe(0);
    const old = s.entries().find((e) => e.title === 'notes/doc-001.md' && !e.deleted);
    expect(old).toBeDefined();
    forgetState(ws);
    ws.write('notes/doc-001.md', '# Note 1, rewritten while the state was lost\n');

    const second = await cli(['sync', '--wait', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const report = json(second);
    expect(report).toMatchObject({ documents: { ready: 3 }, thisRun: { uploaded: 1, adopted: 2 } });
    expect(report.unadopted).toEqual([{ replicaUUID: REPLICA, id: old!.id, title: 'notes/doc-001.md', why: 'size-differs' }]);
    expect(s.entries().find((e) => e.id === old!.id)?.deleted).toBe(false);
    expect(s.stats().creates).toBe(4);

    // Known and left alone: the next run's count expects it, so no listing and no warning change.
    const before = lastSeq(s);
    const third = await cli(['sync', '--json']);
    expect(json(third).unadopted).toHaveLength(1);
    expect(requestsSince(s, before)).toHaveLength(1);
    const status = await cli(['status']);
    expect(status.stdout).toContain(`unadopted  entry ${old!.id} "notes/doc-001.md"`);
  });
});

describe('credentials first and a nearly free no-op run (issue 9 §2, §3)', { timeout: 120_000 }, () => {
  it('a wrong secret with an already-synced folder exits 3 with the fix, even with nothing to upload', async () => {
    const { cli } = await setUp({ files: 2 });
    expect((await cli(['sync', '--wait', '--json'])).code).toBe(0);
    const wrong = await cli(['sync'], 'not-the-secret');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/organisation secret/);
  });

  it('a second sync over 230 ready documents sends one request (the count)', { timeout: 240_000 }, async () => {
    const { sim: s, cli } = await setUp({ files: 230 });
    const first = await cli(['sync', '--wait', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(json(first)).toMatchObject({ documents: { ready: 230 } });
    const before = lastSeq(s);
    const second = await cli(['sync', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const sent = requestsSince(s, before);
    expect(sent.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`)).toEqual([
      `GET /v1/replicas/${REPLICA}/knowledge-base {"pageSize":"0"}`,
    ]);
  });
});
