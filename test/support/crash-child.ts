/**
 * A runner process that dies by SIGKILL at a chosen protocol step (crash-safety tests).
 * Usage: node --import tsx test/support/crash-child.ts <statePath> <simUrl> <dir>
 * Env: CRASH_AT (a ProtocolStep), CRASH_DELAY_MS (kill this long after the step; 0 = at once),
 * CRASH_OWNER (lease owner id), SIM_SECRET, CRASH_MODE (file|text), CRASH_LEASE_MS, CRASH_CONCURRENCY.
 */
import { systemClock } from '../../src/clock/clock.js';
import type { SourceMode } from '../../src/config/types.js';
import type { ProtocolStep } from '../../src/uploader/index.js';
import { createWorld } from './uploader-world.js';

const [, , statePath, simUrl, dir] = process.argv;
if (!statePath || !simUrl || !dir) throw new Error('usage: crash-child.ts <statePath> <simUrl> <dir>');
const crashAt = process.env.CRASH_AT as ProtocolStep | undefined;
const delayMs = Number(process.env.CRASH_DELAY_MS ?? '0');
let armed = true;

function die(): Promise<never> {
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => {});
}

const world = await createWorld({
  clock: systemClock,
  dir,
  simAt: { url: simUrl, secret: process.env.SIM_SECRET ?? 'sim-secret' },
  mode: (process.env.CRASH_MODE ?? 'file') as SourceMode,
  uploadsPerHour: 1000,
});
const store = await world.openStore();
const runner = world.runner(store, world.client(), process.env.CRASH_OWNER ?? 'crash-child', {
  leaseMs: Number(process.env.CRASH_LEASE_MS ?? '60000'),
  concurrency: Number(process.env.CRASH_CONCURRENCY ?? '2'),
  hooks: {
    at: async (step) => {
      if (!armed || step !== crashAt) return;
      armed = false;
      if (delayMs <= 0) await die();
      // The protocol goes on meanwhile: the kill lands wherever it lands.
      else setTimeout(() => void die(), delayMs);
    },
  },
});
await runner.runUntilIdle();
await store.close();
await world.close();
// Reaching here means the kill point came too late (or never): the parent records "no kill".
process.exit(0);
