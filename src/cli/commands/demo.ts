import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSecretFromEnv } from '../../config/environment.js';
import { startSimulator } from '../../sim/index.js';
import type { CliContext } from '../main.js';
import { runWatchCommand, type WatchFlags } from './watch.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../../config/demo.config.json', import.meta.url));
const DEMO_FILES = fileURLToPath(new URL('../../../fixtures/demo', import.meta.url));
/** Each processing status lasts this long in the demo's simulator: a file is READY in a few seconds. */
const DEMO_STEP_MS = 500;

/**
 * `npm start`. With no organisation secret in the environment: the built-in simulator in this
 * process, and the daemon watching a temporary copy of fixtures/demo (state beside it), so
 * people can drop files in without touching the repository. With a secret: `watch` on your own
 * configuration, against the real API.
 */
export async function runDemo(ctx: CliContext, flags: WatchFlags = {}): Promise<number> {
  if (readSecretFromEnv(ctx.env)) {
    ctx.io.out('SENSAY_ORGANIZATION_SECRET is set: watching the sources of your own configuration.');
    return runWatchCommand(flags, ctx);
  }
  const workdir = await mkdtemp(join(tmpdir(), 'sensay-ingest-demo-'));
  const drop = join(workdir, 'drop');
  await cp(DEMO_FILES, drop, { recursive: true });
  const configPath = await writeDemoConfig(workdir, drop);
  const sim = await startSimulator({ port: 0, timeline: { stepMs: DEMO_STEP_MS } });
  try {
    ctx.io.out(`No SENSAY_ORGANIZATION_SECRET set: started the built-in Sensay simulator at ${sim.url}`);
    ctx.io.out(`Drop PDF, DOCX, TXT, MD or HTML files into ${drop}`);
    ctx.io.out(`(a copy of fixtures/demo; state and config in ${workdir})\n`);
    const env = { ...ctx.env, SENSAY_API_URL: sim.url, SENSAY_ORGANIZATION_SECRET: sim.secret };
    return await runWatchCommand({ ...flags, config: configPath }, { ...ctx, env }, { demo: true });
  } finally {
    await sim.close();
    ctx.io.out(`Demo stopped. Its files and state are kept in ${workdir} (delete it when you are done).`);
  }
}

/** config/demo.config.json (the demo's timings), pointed at the temporary folder. */
async function writeDemoConfig(workdir: string, drop: string): Promise<string> {
  const template = JSON.parse(await readFile(DEMO_CONFIG, 'utf8')) as { sources: Record<string, unknown>[]; daemon?: Record<string, unknown> };
  const config = {
    ...template,
    state: join(workdir, 'state.db'),
    daemon: { ...template.daemon, awaitWriteFinishMs: 500 },
    sources: template.sources.slice(0, 1).map((source) => ({ ...source, path: drop })),
  };
  const path = join(workdir, 'sensay-ingest.config.json');
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
