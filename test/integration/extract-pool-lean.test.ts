import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractorPool } from '../../src/extractors/pool.js';
import { FakeClock, flushMicrotasks } from '../support/fake-clock.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/extract');
const md = path.join(fixtures, 'utf8.md');
const silent = pino({ level: 'silent' });
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'pool-lean-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Resolves once `pid` no longer exists. */
async function gone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('lean workers', () => {
  it('starts no worker before work, and retires an idle worker after idleSeconds of the injected clock', async () => {
    const clock = new FakeClock();
    const pool = createExtractorPool({ workers: 2, log: silent, clock, idleSeconds: 30 });
    try {
      expect(pool.workerPids()).toEqual([]);
      expect(await pool.extract(md)).toMatchObject({ ok: true });
      // One file needs one worker, not `workers` of them.
      expect(pool.stats().workersStarted).toBe(1);
      const [pid] = pool.workerPids();
      await clock.advance(29_000);
      expect(pool.workerPids()).toEqual([pid]);
      await clock.advance(1_000);
      await gone(pid as number);
      await flushMicrotasks();
      expect(pool.stats().idleExits).toBe(1);
      expect(pool.workerPids()).toEqual([]);
      // The next file starts a worker again.
      expect(await pool.extract(md)).toMatchObject({ ok: true });
      expect(pool.stats().workersStarted).toBe(2);
    } finally {
      await pool.close();
    }
  }, 90_000);

  it('starts workers with an empty environment: no secret reaches the parsers', async () => {
    const canary = 'canary-secret-7f3a';
    process.env['SENSAY_ORGANIZATION_SECRET'] = canary;
    const pool = createExtractorPool({ workers: 1, log: silent });
    try {
      expect(await pool.extract(md)).toMatchObject({ ok: true });
      const [pid] = pool.workerPids();
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
      expect(environ).not.toContain('SENSAY_');
      expect(environ).not.toContain(canary);
      // Only what Node itself adds for the IPC channel.
      const names = environ.split('\0').filter(Boolean).map((v) => v.slice(0, v.indexOf('=')));
      expect(names.sort()).toEqual(['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE']);
    } finally {
      delete process.env['SENSAY_ORGANIZATION_SECRET'];
      await pool.close();
    }
  }, 90_000);
});

describe('a worker that cannot start', () => {
  it('is logged with its stderr, answers queued files WORKER_UNAVAILABLE, and backs off 1 s, 2 s … before the next start', async () => {
    const broken = path.join(tmp, 'broken-worker.mjs');
    await writeFile(broken, "process.stderr.write('Error: Cannot find module pdf-parse\\n'); process.exit(1);\n");
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const clock = new FakeClock();
    const brokenFork = () => fork(broken, [], { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const pool = createExtractorPool({ workers: 2, log, clock, fork: brokenFork });
    try {
      const [a, b] = await Promise.all([pool.extract(md), pool.extract(md)]);
      for (const answer of [a, b]) {
        expect(answer).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
        expect(answer.ok ? '' : answer.detail).toMatch(/Cannot find module pdf-parse.*check the installation/);
      }
      const started = pool.stats().workersStarted;
      expect(started).toBe(2);
      const failure = lines.find((l) => l['msg'] === 'extraction worker failed to start; next start after a backoff');
      expect(failure).toMatchObject({ level: 50, code: 1, stderr: 'Error: Cannot find module pdf-parse' });

      // Inside the backoff no start is tried: the file is answered at once.
      expect(await pool.extract(md)).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
      expect(pool.stats().workersStarted).toBe(started);

      // Two failures in a row: the wait is now 2 s.
      await clock.advance(2_000);
      expect(await pool.extract(md)).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
      expect(pool.stats().workersStarted).toBe(started + 1);
      await clock.advance(3_999);
      expect(await pool.extract(md)).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
      expect(pool.stats().workersStarted).toBe(started + 1);
      await clock.advance(1);
      await pool.extract(md);
      expect(pool.stats().workersStarted).toBe(started + 2);
      expect(pool.stats().startFailures).toBe(4);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('a worker that hangs before it is ready', () => {
  it('is killed after startTimeoutMs of the injected clock and counted as a failed start: logged with its stderr, queued files answered WORKER_UNAVAILABLE, next start after the backoff', async () => {
    const hanging = path.join(tmp, 'hanging-worker.mjs');
    // Loads "forever": a real process that keeps its IPC channel open and never says ready.
    const started = path.join(tmp, 'hanging-worker.started');
    await writeFile(
      hanging,
      `import { writeFileSync } from 'node:fs';\nprocess.stderr.write('loading parsers from a stalled disk\\n', () => writeFileSync(${JSON.stringify(started)}, ''));\nsetInterval(() => undefined, 60_000);\n`,
    );
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const clock = new FakeClock();
    const hangingFork = () => fork(hanging, [], { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const pool = createExtractorPool({ workers: 1, log, clock, fork: hangingFork, startTimeoutMs: 20_000 });
    try {
      const answer = pool.extract(md);
      const [pid] = pool.workerPids();
      expect(pid).toBeDefined();
      // The child has printed its stderr (real time, however loaded the machine); no timeout yet.
      for (let i = 0; i < 500 && !existsSync(started); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await clock.advance(19_999);
      expect(pool.workerPids()).toEqual([pid]);
      expect(pool.stats().startFailures).toBe(0);

      await clock.advance(1);
      const settled = await answer;
      expect(settled).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
      expect(settled.ok ? '' : settled.detail).toMatch(/no ready signal within 20 s \(killed\): loading parsers from a stalled disk/);
      await gone(pid as number);
      expect(pool.stats()).toMatchObject({ workersStarted: 1, startFailures: 1 });
      const failure = lines.find((l) => l['msg'] === 'extraction worker failed to start; next start after a backoff');
      expect(failure).toMatchObject({ level: 50, timedOut: true, retryInMs: 1_000 });
      expect(String(failure?.['stderr'])).toContain('loading parsers from a stalled disk');

      // Inside the backoff: answered at once, no new process.
      expect(await pool.extract(md)).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
      expect(pool.stats().workersStarted).toBe(1);
      // After it, the next file starts a worker again (which hangs again: a second failure, 2 s).
      await clock.advance(1_000);
      const next = pool.extract(md);
      expect(pool.stats().workersStarted).toBe(2);
      await clock.advance(20_000);
      expect(await next).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
      expect(pool.stats().startFailures).toBe(2);
      expect(lines.filter((l) => l['timedOut'] === true).map((l) => l['retryInMs'])).toEqual([1_000, 2_000]);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('symbolic links', () => {
  it('does not follow a link, and a file swapped for a link after the scan is UNSTABLE', async () => {
    const outside = path.join(tmp, 'outside.md');
    await writeFile(outside, '# secret outside the source\n');
    const link = path.join(tmp, 'link.md');
    await symlink(outside, link);
    const pool = createExtractorPool({ workers: 1, log: silent });
    try {
      expect(await pool.extract(link)).toMatchObject({ ok: false, reason: 'UNREADABLE' });
      const { lstat } = await import('node:fs/promises');
      const target = path.join(tmp, 'swapped.md');
      await writeFile(target, '# inside\n');
      const scanned = await lstat(target);
      await rm(target);
      await symlink(outside, target);
      const expected = { dev: scanned.dev, ino: scanned.ino, size: scanned.size };
      const swapped = await pool.extract(target, { expected });
      expect(swapped).toMatchObject({ ok: false, reason: 'UNSTABLE' });
      expect(swapped.ok ? '' : swapped.detail).toMatch(/symbolic link/);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
