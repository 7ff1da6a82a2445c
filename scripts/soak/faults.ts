import type { FaultOptions, Simulator } from '../../src/sim/index.js';
import type { Rng } from './random.js';

export type FaultKind = '5xx-burst' | 'connection-reset' | 'throttle-429' | 'slow-put' | 'failing-put' | 'slow-api' | 'create-timeout';

/** The simulator faults one kind stands for, drawn with the run's randomness. */
function faultOptions(kind: FaultKind, rng: Rng): FaultOptions {
  switch (kind) {
    case '5xx-burst':
      return { status5xx: { next: rng.int(1, 4), status: rng.pick([500, 502, 503]), body: rng.pick(['envelope', 'html'] as const) } };
    case 'connection-reset':
      return { dropConnection: { next: rng.int(1, 2), scope: rng.pick(['api', 'upload'] as const) } };
    case 'throttle-429':
      return { throttle: { next: rng.int(1, 3), retryAfterSeconds: rng.int(1, 2) } };
    case 'slow-put':
      return { latencyMs: { ms: rng.int(200, 1500), scope: 'upload' } };
    case 'failing-put':
      return { status5xx: { next: rng.int(1, 2), status: rng.pick([500, 503]), scope: 'upload' } };
    case 'slow-api':
      return { latencyMs: { ms: rng.int(50, 400), scope: 'api' } };
    case 'create-timeout':
      return { createTimeout: { next: 1, mode: rng.pick(['hang', 'drop'] as const) } };
  }
}

/** Injects zero or one fault for the next run; returns its kind for the report. */
export function injectFault(sim: Simulator, kinds: readonly FaultKind[], rng: Rng): FaultKind | null {
  if (kinds.length === 0 || !rng.chance(0.45)) return null;
  const kind = rng.pick(kinds);
  sim.inject(faultOptions(kind, rng));
  return kind;
}
