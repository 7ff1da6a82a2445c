import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temp folder with a `docs` source and a config file, as the e2e tests drive the CLI. */
export interface CliWorkspace {
  readonly dir: string;
  readonly docs: string;
  readonly configPath: string;
  readonly statePath: string;
  /** Writes a file under `docs`, creating its folders. */
  write(relPath: string, text: string | Buffer): void;
  remove(): void;
}

export interface CliWorkspaceOptions {
  prefix: string;
  replicaUUID: string;
  /** Per config section, merged over the defaults (e.g. `{ limits: { uploadsPerHour: 5 } }`). */
  config?: Record<string, Record<string, unknown>>;
  /** Merged over the one source's defaults. */
  source?: Record<string, unknown>;
}

/**
 * Defaults every CLI test wants: fast polling, one extraction worker, no settle window — files
 * are written just before each run, which only the settle test is about — and no status server
 * (daemon.port 0), so tests running at once never fight over the default port.
 */
export function createCliWorkspace(options: CliWorkspaceOptions): CliWorkspace {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const docs = join(dir, 'docs');
  mkdirSync(docs);
  const sections: Record<string, Record<string, unknown>> = {
    status: { pollIntervalSeconds: 1 },
    extraction: { workers: 1 },
    daemon: { awaitWriteFinishMs: 0, port: 0 },
  };
  for (const [key, value] of Object.entries(options.config ?? {})) sections[key] = { ...sections[key], ...value };
  const configPath = join(dir, 'sensay-ingest.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      state: 'state/state.db',
      ...sections,
      sources: [{ name: 'docs', path: 'docs', replicaUUID: options.replicaUUID, ...options.source }],
    }),
  );
  return {
    dir,
    docs,
    configPath,
    statePath: join(dir, 'state', 'state.db'),
    write(relPath, text) {
      mkdirSync(dirname(join(docs, relPath)), { recursive: true });
      writeFileSync(join(docs, relPath), text);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
