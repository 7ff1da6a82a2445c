import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { Phase } from './phases.js';
import type { Rng } from './random.js';

export interface SoakSource {
  readonly name: string;
  readonly dir: string;
  readonly mode: 'file' | 'text';
  readonly replicaUUID: string;
}

export type Mutation = 'create' | 'replace' | 'delete' | 'rename';

export interface SoakWorld {
  readonly dir: string;
  readonly configPath: string;
  readonly statePath: string;
  readonly logDir: string;
  readonly sources: readonly SoakSource[];
  readonly sim: Simulator;
  /** Content versions written (each create and replace needs one upload). */
  readonly written: { versions: number; byMutation: Record<Mutation, number> };
  mutate(rng: Rng): void;
  close(): Promise<void>;
}


export async function createWorld(phase: Phase, rng: Rng, keep: boolean): Promise<SoakWorld> {
  const dir = mkdtempSync(join(tmpdir(), `sensay-soak-${phase.name}-`));
  const sources: SoakSource[] = [{ name: 'files', dir: join(dir, 'files'), mode: 'file', replicaUUID: '50a50000-0000-4000-8000-0000000000f1' }];
  if (phase.textSource) sources.push({ name: 'texts', dir: join(dir, 'texts'), mode: 'text', replicaUUID: '50a50000-0000-4000-8000-0000000000f2' });
  const logDir = join(dir, 'logs');
  for (const path of [logDir, ...sources.map((s) => s.dir)]) mkdirSync(path, { recursive: true });
  const sim = await startSimulator({
    // The server's clock runs phase.skewMs off the host's: its `Date` header and timestamps move.
    clockOffsetMs: phase.skewMs,
    timeline: { stepMs: 40 },
    uploadsPerHour: Infinity,
    requestsPerMinute: Infinity,
    failures: [{ match: '*flaky*', errorTimes: 1 }],
  });
  const configPath = join(dir, 'sensay-ingest.config.json');
  writeFileSync(configPath, JSON.stringify(configFor(phase, sources), null, 2));
  const written = { versions: 0, byMutation: { create: 0, replace: 0, delete: 0, rename: 0 } };
  let serial = 0;
  const write = (source: SoakSource, name: string) => {
    serial++;
    const body = `# ${name} v${serial}\n\n${'Soak paragraph '.repeat(rng.int(2, 40))}${rng.next().toString(36)} ${serial}\n`;
    writeFileSync(join(source.dir, name), body);
    written.versions++;
  };
  for (const source of sources) {
    for (let i = 0; i < phase.documents; i++) write(source, `${i % 4 === 3 ? 'flaky' : 'doc'}-${++serial}.md`);
  }
  return {
    dir,
    configPath,
    statePath: join(dir, 'state', 'state.db'),
    logDir,
    sources,
    sim,
    written,
    mutate(rng) {
      const source = rng.pick(sources);
      const names = readdirSync(source.dir).sort();
      const op: Mutation =
        names.length < 4 ? 'create' : names.length > 14 ? 'delete' : rng.pick(['create', 'create', 'replace', 'replace', 'delete', 'rename'] as const);
      written.byMutation[op]++;
      if (op === 'create') return write(source, `${rng.chance(0.25) ? 'flaky' : 'doc'}-${++serial}.${rng.pick(['md', 'txt'])}`);
      const name = rng.pick(names);
      if (op === 'replace') return write(source, name);
      if (op === 'delete') return rmSync(join(source.dir, name));
      serial++;
      renameSync(join(source.dir, name), join(source.dir, `renamed-${serial}-${name}`));
    },
    async close() {
      await sim.close();
      if (!keep && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function configFor(phase: Phase, sources: readonly SoakSource[]): Record<string, unknown> {
  return {
    state: 'state/state.db',
    api: { timeoutSeconds: 5 },
    // The budget is the point of one phase only; elsewhere it is high so the soak moves.
    limits: { uploadsPerHour: phase.uploadsPerHour, requestsPerMinute: 10_000, maxAttempts: 5, recreateBackoffSeconds: 1 },
    status: { pollIntervalSeconds: 1 },
    extraction: { workers: 1 },
    daemon: { awaitWriteFinishMs: 0 },
    sources: sources.map((s) => ({ name: s.name, path: s.dir, replicaUUID: s.replicaUUID, mode: s.mode, maxDeletePercent: 100 })),
  };
}
