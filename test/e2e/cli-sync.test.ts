import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseAll } from './cli-watch-harness.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runBuiltCli, type CliRun } from '../support/run-cli.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

const REPLICA = '5a1c9e3b-2d4f-4a6b-8c0d-1e2f3a4b5c6d';
const SECRET = 'e2e-sync-secret-4b1d';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'extract');

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
afterEach(async () => {
  await releaseAll({ sim, workspace });
  sim = workspace = undefined;
});

async function setUp(options: { uploadsPerHour?: number; simUploadsPerHour?: number } = {}) {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 }, uploadsPerHour: options.simUploadsPerHour ?? 10 });
  const ws = createCliWorkspace({
    prefix: 'cli-sync-',
    replicaUUID: REPLICA,
    config: { api: { baseUrl: 'https://api.sensay.io' }, limits: { uploadsPerHour: options.uploadsPerHour ?? 10 } },
  });
  workspace = ws;
  const s = sim;
  const sync = (...args: string[]): Promise<CliRun> =>
    runBuiltCli(['sync', '--config', ws.configPath, ...args], {
      env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: s.url },
      timeoutMs: 60_000,
    });
  return { sim: s, dir: ws.dir, docs: ws.docs, configPath: ws.configPath, statePath: ws.statePath, write: ws.write, sync };
}

const live = (s: Simulator) => s.entries().filter((e) => !e.deleted);
const writes = (s: Simulator) => s.requests().filter((r) => r.method !== 'GET');

function parse(run: CliRun): Record<string, unknown> {
  expect(() => JSON.parse(run.stdout), `stdout was: ${run.stdout}\nstderr: ${run.stderr}`).not.toThrow();
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** The issue-5 contract: exactly these keys with these types (extra keys allowed). */
function expectContract(report: Record<string, unknown>): void {
  expect(report).toMatchObject({
    documents: { ready: expect.any(Number), processing: expect.any(Number), queued: expect.any(Number), failed: expect.any(Number), rejected: expect.any(Number) },
    thisRun: { uploaded: expect.any(Number), recreated: expect.any(Number), deleted: expect.any(Number), renamed: expect.any(Number) },
    rejected: expect.any(Array),
    failed: expect.any(Array),
  });
  const next = report.nextUploadAt;
  expect(next === null || (typeof next === 'string' && new Date(next).toISOString() === next)).toBe(true);
  for (const r of report.rejected as Record<string, unknown>[]) {
    expect(r).toMatchObject({ path: expect.any(String), reason: expect.any(String), detail: expect.any(String) });
  }
  for (const f of report.failed as Record<string, unknown>[]) expect(f).toMatchObject({ path: expect.any(String), error: expect.any(String) });
}

describe('sensay-ingest sync', () => {
  it('--json --wait: uploads every valid file to READY, lists the rejected one, exits 1; a second run uploads nothing', async () => {
    const t = await setUp();
    t.write('welcome.md', '# Welcome\n\nHello.\n');
    t.write('faq.txt', 'Q: Where?\nA: Here.\n');
    copyFileSync(join(FIXTURES, 'text.docx'), join(t.docs, 'manual.docx'));
    copyFileSync(join(FIXTURES, 'encrypted.pdf'), join(t.docs, 'secret.pdf'));

    const first = await t.sync('--json', '--wait', '--max-wait', '30');
    expect(first.code, first.stderr).toBe(1);
    const report = parse(first);
    expectContract(report);
    expect(report).toMatchObject({
      documents: { ready: 3, processing: 0, queued: 0, failed: 0, rejected: 1 },
      thisRun: { uploaded: 3, recreated: 0, deleted: 0, renamed: 0 },
      rejected: [{ path: 'secret.pdf', reason: 'ENCRYPTED' }],
      nextUploadAt: null,
    });
    expect(live(t.sim).map((e) => [e.title, e.status]).sort()).toEqual([
      ['faq.txt', 'READY'],
      ['manual.docx', 'READY'],
      ['welcome.md', 'READY'],
    ]);

    const writesBefore = writes(t.sim).length;
    const second = await t.sync('--json');
    expect(second.code, second.stderr).toBe(1);
    expect(parse(second)).toMatchObject({ thisRun: { uploaded: 0 }, documents: { ready: 3, rejected: 1 } });
    expect(writes(t.sim)).toHaveLength(writesBefore);
    expect(t.sim.stats().creates).toBe(3);
  });

  it('replaces a modified file (successor READY before the old entry goes) and deletes a deleted file\'s entry; exit 0', async () => {
    const t = await setUp();
    for (let i = 0; i < 5; i++) t.write(`note-${i}.txt`, `note ${i}\n`);
    expect((await t.sync('--wait', '--max-wait', '30')).code).toBe(0);
    const original = live(t.sim).find((e) => e.title === 'note-0.txt')!;

    t.write('note-0.txt', 'note 0, second edition\n');
    rmSync(join(t.docs, 'note-4.txt'));
    const run = await t.sync('--json', '--wait', '--max-wait', '30');
    expect(run.code, run.stderr).toBe(0);
    expect(parse(run)).toMatchObject({ thisRun: { uploaded: 1, deleted: 1 }, documents: { ready: 4 } });

    const entries = t.sim.entries();
    const old = entries.find((e) => e.id === original.id)!;
    const successor = entries.find((e) => e.title === 'note-0.txt' && e.id !== original.id)!;
    expect(successor.status).toBe('READY');
    expect(old.deleted).toBe(true);
    // READY is reached one step after VECTOR_CREATED; the old entry went no earlier than that.
    const deleteRequest = t.sim.requests().find((r) => r.method === 'DELETE' && r.path.endsWith(`/${old.id}`))!;
    expect(deleteRequest.at).toBeGreaterThanOrEqual(successor.updatedAt);
    expect(live(t.sim).map((e) => e.title).sort()).toEqual(['note-0.txt', 'note-1.txt', 'note-2.txt', 'note-3.txt']);
  });

  it('--dry-run prints the plan and ETA, writes nothing (only the credentials count is read), and leaves no state behind', async () => {
    const t = await setUp();
    for (let i = 0; i < 12; i++) t.write(`doc-${i}.md`, `# Doc ${i}\n`);
    copyFileSync(join(FIXTURES, 'encrypted.pdf'), join(t.docs, 'locked.pdf'));

    const dry = await t.sync('--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(1);
    const plan = parse(dry);
    expect(plan.plan).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'create', path: 'doc-0.md' }),
      expect.objectContaining({ action: 'rejected', path: 'locked.pdf', reason: 'ENCRYPTED' }),
    ]));
    expect((plan.plan as unknown[]).length).toBe(13);
    const eta = plan.eta as { uploads: number; firstSlotAt: string; lastSlotAt: string };
    expect(eta.uploads).toBe(12);
    expect(Date.parse(eta.lastSlotAt) - Date.parse(eta.firstSlotAt)).toBeGreaterThanOrEqual(3_600_000 - 60_000);
    // Reads only: the count that proves the secret (an empty replica needs no listing).
    expect(t.sim.requests().map((r) => `${r.method} ${JSON.stringify(r.query)}`)).toEqual(['GET {"pageSize":"0"}']);
    expect(plan).toMatchObject({ wouldAdopt: [], unadopted: [], adoptionChecked: true });
    expect(existsSync(join(t.dir, 'state'))).toBe(false);

    // With a state file: still byte-identical afterwards.
    rmSync(join(t.docs, 'locked.pdf'));
    expect((await t.sync()).code).toBe(0);
    const before = readFileSync(t.statePath);
    const requests = t.sim.requests().length;
    t.write('doc-new.md', '# New\n');
    const human = await t.sync('--dry-run');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/create\s+doc-new\.md/);
    expect(t.sim.requests().slice(requests).map((r) => `${r.method} ${JSON.stringify(r.query)}`)).toEqual(['GET {"pageSize":"0"}']);
    expect(readFileSync(t.statePath).equals(before)).toBe(true);
  });

  it('two concurrent runs on 15 files at 10 uploads/hour create exactly 10 entries', async () => {
    const t = await setUp({ simUploadsPerHour: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 15; i++) t.write(`file-${String(i).padStart(2, '0')}.txt`, `content number ${i}\n`);
    const [a, b] = await Promise.all([t.sync('--json'), t.sync('--json')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(t.sim.stats().creates).toBe(10);
    const titles = t.sim.entries().map((e) => e.title);
    expect(new Set(titles).size).toBe(10);
    const ra = parse(a) as { thisRun: { uploaded: number }; nextUploadAt: string | null };
    const rb = parse(b) as { thisRun: { uploaded: number } };
    expect(ra.thisRun.uploaded + rb.thisRun.uploaded).toBe(10);
    expect(ra.nextUploadAt).not.toBeNull();
  });

  it('without a secret exits 2 with the same message as check', async () => {
    const t = await setUp();
    const env = { SENSAY_API_URL: t.sim.url };
    const sync = await runBuiltCli(['sync', '--config', t.configPath], { env });
    const check = await runBuiltCli(['check', '--config', t.configPath], { env });
    expect(sync.code).toBe(2);
    expect(check.code).toBe(2);
    expect(sync.stderr.trim()).toBe(check.stderr.trim());
    expect(t.sim.requests()).toHaveLength(0);
  });

  it('rejects a bad --max-wait as a usage error', async () => {
    const t = await setUp();
    const run = await t.sync('--wait', '--max-wait', 'soon');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-wait');
  });
});
