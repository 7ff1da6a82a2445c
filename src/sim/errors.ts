/** Raised by `startSimulator`/`sim.inject` when an option is out of range; `key` names it. */
export class SimulatorOptionsError extends Error {
  readonly code = 'SIM_INVALID_OPTION';
  readonly key: string;
  readonly value: unknown;

  constructor(key: string, expected: string, value: unknown) {
    super(`Expected \`${key}\` to be ${expected}, got \`${describe(value)}\``);
    this.name = 'SimulatorOptionsError';
    this.key = key;
    this.value = value;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof RegExp) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
