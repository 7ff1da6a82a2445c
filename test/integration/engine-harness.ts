/**
 * Shared set-up of the engine integration tests: a temp folder per test with a source folder,
 * a config parsed the way the CLI parses it, the real SQLite store and the real extractor pool.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import type { Clock } from '../../src/clock/clock.js';
import { parseConfig } from '../../src/config/index.js';
import { createSensayClient, type SensayClient } from '../../src/sensay/client.js';
import type { LoadedConfig } from '../../src/config/types.js';

export const REPLICA = '7f3c2a10-0000-4000-8000-0000000000aa';
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'extract');
export const silentLog: Logger = pino({ level: 'silent' });

export interface EngineFolder {
  readonly root: string;
  readonly docs: string;
  readonly statePath: string;
  config(overrides?: { baseUrl?: string; uploadsPerHour?: number; source?: Record<string, unknown>; status?: Record<string, unknown>; limits?: Record<string, unknown> }): LoadedConfig;
  write(relPath: string, text: string): Promise<string>;
  copyFixture(fixture: string, relPath: string): Promise<string>;
  remove(): Promise<void>;
}

export async function makeEngineFolder(prefix = 'engine-'): Promise<EngineFolder> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const docs = join(root, 'docs');
  await mkdir(docs, { recursive: true });
  const statePath = join(root, 'state', 'state.db');
  return {
    root,
    docs,
    statePath,
    config(overrides = {}) {
      return parseConfig(
        {
          api: { baseUrl: overrides.baseUrl ?? 'http://127.0.0.1:9' },
          state: statePath,
          limits: { uploadsPerHour: overrides.uploadsPerHour ?? 10, ...overrides.limits },
          status: { pollIntervalSeconds: 5, ...overrides.status },
          extraction: { workers: 2, taskTimeoutSeconds: 20 },
          sources: [{ name: 'docs', path: docs, replicaUUID: REPLICA, ...overrides.source }],
        },
        { configPath: join(root, 'sensay-ingest.config.json'), env: {} },
      );
    },
    async write(relPath, text) {
      const path = join(docs, relPath);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    },
    async copyFixture(fixture, relPath) {
      const path = join(docs, relPath);
      await mkdir(dirname(path), { recursive: true });
      await copyFile(join(FIXTURES, fixture), path);
      return path;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** The mixed folder most tests start from: five valid kinds, one copy, one encrypted PDF. */
export async function writeMixedFolder(folder: EngineFolder): Promise<void> {
  await folder.write('notes/welcome.md', '# Welcome\n\nOpening hours are nine to five.\n');
  await folder.write('notes/copy-of-welcome.md', '# Welcome\n\nOpening hours are nine to five.\n');
  await folder.write('faq.txt', 'Q: Where is the office?\nA: Upstairs.\n');
  await folder.copyFixture('page.html', 'web/page.html');
  await folder.copyFixture('text.pdf', 'manuals/text.pdf');
  await folder.copyFixture('text.docx', 'manuals/text.docx');
  await folder.copyFixture('encrypted.pdf', 'secret.pdf');
}

/** The real API client against the simulator on the test's clock: no retries, no rate limit to speak of. */
export function simulatorClient(sim: { url: string; secret: string }, clock: Clock, config: LoadedConfig): SensayClient {
  return createSensayClient({
    baseUrl: sim.url,
    apiVersion: config.api.apiVersion,
    secret: sim.secret,
    requestsPerMinute: 100_000,
    clock,
    log: silentLog,
    maxAttempts: 1,
    maxRetryAfterMs: 1,
    timeoutMs: 5_000,
  });
}
