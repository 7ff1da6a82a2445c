/**
 * The console in a real browser (issue 11 §Tests): Debian's Chromium driven by playwright-core,
 * against a real `watch` (the built CLI) on the simulator (`sensay-ingest sim`, also the built
 * CLI). Run with `npm run test:console`; screenshots of each step go to test-results/console/.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnCli, type LiveCli } from '../e2e/cli-watch-harness.js';
import { PROJECT_ROOT } from '../support/run-cli.js';

const REPLICA = '3f1c7d8e-0000-4000-8000-0000000000c1';
const SECRET = 'console-browser-test-secret';
const SHOTS = join(PROJECT_ROOT, 'test-results', 'console');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let dir = '';
let sim: LiveCli;
let watch: LiveCli;
let browser: Browser;
let page: Page;
let consoleUrl = '';

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The table row of a document, by its source/path. */
const row = (path: string) => page.locator('#doc-table tbody tr', { hasText: path });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'console-browser-'));
  for (const folder of ['docs', 'web']) mkdirSync(join(dir, folder));
  writeFileSync(join(dir, 'docs', 'alpha.md'), '# Alpha\n\nOpening hours are nine to five.\n');
  writeFileSync(join(dir, 'docs', 'beta.txt'), 'Beta: the shop is closed on Sundays.\n');
  writeFileSync(join(dir, 'docs', 'broken.md'), '# Broken\n\nSensay cannot process this one.\n');
  writeFileSync(join(dir, 'web', 'index.html'), '<html><body><p>Welcome to the web pages.</p></body></html>');

  const simPort = await freePort();
  sim = spawnCli(['sim', '--port', String(simPort), '--step-ms', '400', '--unprocessable', '*broken*'], { SENSAY_ORGANIZATION_SECRET: SECRET }, { killAfterMs: 170_000 });
  await sim.until('the simulator', () => sim.stdout().includes('listening on'));
  const port = await freePort();
  const config = {
    api: { baseUrl: `http://127.0.0.1:${simPort}` },
    state: join(dir, 'state.db'),
    limits: { uploadsPerHour: 10 },
    status: { pollIntervalSeconds: 1 },
    extraction: { workers: 1 },
    daemon: { port, awaitWriteFinishMs: 200 },
    sources: [
      { name: 'docs', path: join(dir, 'docs'), replicaUUID: REPLICA },
      { name: 'web', path: join(dir, 'web'), replicaUUID: REPLICA },
    ],
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  watch = spawnCli(['watch', '--config', join(dir, 'config.json')], { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_INGEST_LOG_LEVEL: 'warn' }, { killAfterMs: 170_000 });
  await watch.until('the console URL', () => /Console: (http:\S+)/.test(watch.stdout()));
  consoleUrl = /Console: (http:\S+)/.exec(watch.stdout())![1]!;

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await watch?.stop('SIGTERM');
  await sim?.stop('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the console in Chromium, on a real watch and the simulator', () => {
  it('lists the documents and shows them becoming ready, live', async () => {
    await page.goto(consoleUrl);
    // Set once: a reload of the page would lose it.
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 10_000 }).toBe('Live');
    for (const path of ['docs/alpha.md', 'docs/beta.txt', 'docs/broken.md', 'web/index.html']) {
      await row(path).waitFor({ timeout: 20_000 });
    }
    await row('docs/alpha.md').locator('.badge', { hasText: 'ready' }).waitFor({ timeout: 30_000 });
    await shot('01-documents');
  });

  it('shows the error of a document that failed for good', async () => {
    const failed = page.locator('#failed-list li', { hasText: 'docs/broken.md' });
    await failed.waitFor({ timeout: 30_000 });
    await expect.poll(() => failed.locator('.why').textContent()).toContain('UNPROCESSABLE');
    expect(await row('docs/broken.md').locator('.cond').textContent()).toContain('failed');
    await row('docs/broken.md').click();
    await page.locator('#detail-events li').first().waitFor();
    expect(await page.locator('#detail-title').textContent()).toContain('docs/broken.md');
    await shot('02-failed-with-error');
  });

  it('Retry re-queues it and the page follows without a reload', async () => {
    const attemptsBefore = await page.locator('#detail-events li', { hasText: 'queued' }).count();
    await page.locator('#failed-list button', { hasText: 'Retry broken.md' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toContain('Re-queued 1 document');
    // The history shows the new queueing (and, the file being unprocessable, it fails again later).
    await expect.poll(() => page.locator('#detail-events li', { hasText: 'queued' }).count(), { timeout: 15_000 }).toBeGreaterThan(attemptsBefore);
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    await shot('03-retried');
  });

  it('Pause stops uploads for a source; Resume lets them go', async () => {
    await page.locator('#totals button', { hasText: 'Pause web' }).click();
    await page.locator('#totals button', { hasText: 'Resume web' }).waitFor();
    writeFileSync(join(dir, 'web', 'paused.html'), '<html><body><p>Written while web is paused.</p></body></html>');
    writeFileSync(join(dir, 'docs', 'gamma.md'), '# Gamma\n\nWritten while web is paused.\n');
    await row('docs/gamma.md').locator('.badge', { hasText: 'ready' }).waitFor({ timeout: 30_000 });
    const paused = row('web/paused.html');
    await paused.waitFor({ timeout: 10_000 });
    expect(await paused.locator('.badge').textContent()).toBe('queued');
    expect(await paused.locator('.cond').textContent()).toContain('source paused');
    await shot('04-source-paused');
    await page.locator('#totals button', { hasText: 'Resume web' }).click();
    await paused.locator('.badge', { hasText: 'ready' }).waitFor({ timeout: 30_000 });
  });

  it('Approve releases a held delete', async () => {
    // One delete alone always goes through; two of four documents (50 %) are above maxDeletePercent.
    unlinkSync(join(dir, 'docs', 'beta.txt'));
    unlinkSync(join(dir, 'docs', 'gamma.md'));
    const held = page.locator('#held-list li.held-item', { hasText: 'docs' });
    await held.waitFor({ timeout: 20_000 });
    await shot('05-held-delete');
    await held.locator('button', { hasText: 'Approve' }).click();
    await page.locator('#held-list li.none').waitFor({ timeout: 20_000 });
    await expect.poll(() => row('docs/beta.txt').locator('.badge').textContent(), { timeout: 20_000 }).toBe('gone');
  });

  it('the budget picture shows the slots used', async () => {
    const used = page.locator('#budget-picture svg rect.slot-used');
    await expect.poll(() => used.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    expect(await page.locator('#budget-summary').textContent()).toMatch(/\d+ of 10 creates used in the last hour/);
    await page.locator('#budget-title').scrollIntoViewIfNeeded();
    await shot('06-budget');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('07-phone');
  });
});
