import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, type LiveCli } from './cli-watch-harness.js';

const DEMO_FILES = ['faq.html', 'opening-hours.txt', 'welcome.md'];

let cli: LiveCli | undefined;
let workdir: string | undefined;
afterEach(async () => {
  await cli?.stop('SIGKILL');
  cli = undefined;
  if (workdir) rmSync(workdir, { recursive: true, force: true });
  workdir = undefined;
});

describe('npm start (the demo)', () => {
  it('runs the daemon over a temporary copy of fixtures/demo against the built-in simulator, shows every file reach READY, and stops cleanly on Ctrl-C', { timeout: 60_000 }, async () => {
    cli = spawnCli(['demo'], {});
    const live = cli;
    await live.until('the drop folder', () => /Drop PDF, DOCX, TXT, MD or HTML files into \S+/.test(live.stdout()));
    const drop = /Drop PDF, DOCX, TXT, MD or HTML files into (\S+)/.exec(live.stdout())![1]!;
    workdir = join(drop, '..');
    expect(live.stdout()).toMatch(/started the built-in Sensay simulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(readdirSync(drop).sort()).toEqual(DEMO_FILES);

    // The first pass starts the extraction workers: slow on a loaded machine.
    await live.until('every demo file READY', () => DEMO_FILES.every((file) => live.stdout().includes(`${file}: processing → ready`)), 40_000);
    expect(live.stdout()).toMatch(/Health: http:\/\/127\.0\.0\.1:\d+\/healthz/);
    // `npm start` prints the console's URL; its API shows the demo's documents ready.
    const consoleUrl = /Console: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(live.stdout())?.[1];
    expect(consoleUrl).toBeDefined();
    const totals = (await (await fetch(`${consoleUrl}api/totals`)).json()) as { totals: { ready: number } };
    expect(totals.totals.ready).toBe(DEMO_FILES.length);

    const exit = await live.stop('SIGINT');
    expect(exit.code, live.stderr().slice(-3000)).toBe(0);
    expect(exit.ms).toBeLessThan(10_000);
    expect(live.stdout()).toContain('Demo stopped.');
    // State and files live in a temporary folder, never in the repository.
    expect(workdir.startsWith(join(tmpdir(), 'sensay-ingest-demo-'))).toBe(true);
    expect(existsSync(join(workdir, 'state.db'))).toBe(true);
  });
});
