import { fileURLToPath } from 'node:url';
import type { CliContext } from '../main.js';
import { startSimulator } from '../../sim/index.js';
import { runCheck } from './check.js';
import { readSecretFromEnv } from '../../config/environment.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../../config/demo.config.json', import.meta.url));

/**
 * `npm start`: the embedded default. With no organisation secret in the environment it starts
 * the built-in simulator in this process and runs `check` of config/demo.config.json against it;
 * with a secret it checks your own config (./sensay-ingest.config.json) against the real API.
 */
export async function runDemo(ctx: CliContext): Promise<number> {
  if (readSecretFromEnv(ctx.env)) {
    ctx.io.out('SENSAY_ORGANIZATION_SECRET is set: checking your configuration against the API.');
    return runCheck({}, ctx);
  }
  const sim = await startSimulator({ port: 0 });
  try {
    ctx.io.out(`No SENSAY_ORGANIZATION_SECRET set: started the built-in Sensay simulator at ${sim.url}`);
    ctx.io.out(`Checking ${DEMO_CONFIG} against it…\n`);
    const env = { ...ctx.env, SENSAY_API_URL: sim.url, SENSAY_ORGANIZATION_SECRET: sim.secret };
    return await runCheck({ config: DEMO_CONFIG }, { ...ctx, env });
  } finally {
    await sim.close();
  }
}
