import { afterEach } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { FakeClock } from './fake-clock.js';
import { SimClient } from './sim-client.js';

export interface BootedSimulator {
  readonly sim: Simulator;
  readonly client: SimClient;
  readonly clock: FakeClock;
}

export interface SimulatorHarness {
  /** Starts a simulator on a new fake clock with `defaults` overlaid by `options`, and a raw validating client for it. */
  boot(options?: SimulatorOptions): Promise<BootedSimulator>;
  /** The clock of the simulator the current test booted. */
  readonly clock: FakeClock;
}

/**
 * The simulator tests' set-up: one simulator per test, on its own fake clock, closed with its
 * client after each test (registered here, so a test file only says which defaults it wants).
 */
export function useSimulator(defaults: SimulatorOptions = {}): SimulatorHarness {
  let booted: BootedSimulator | undefined;
  afterEach(async () => {
    await booted?.client.close();
    await booted?.sim.close();
    booted = undefined;
  });
  return {
    async boot(options = {}) {
      const clock = new FakeClock();
      const sim = await startSimulator({ clock, ...defaults, ...options });
      booted = { sim, client: new SimClient(sim), clock };
      return booted;
    },
    get clock() {
      if (!booted) throw new Error('no simulator was booted in this test');
      return booted.clock;
    },
  };
}
