import picomatch from 'picomatch';
import { SimulatorOptionsError } from './errors.js';

export type FailureStage = 'RAW_TEXT' | 'PROCESSED_TEXT' | 'VECTOR_CREATED';
const STAGES: readonly FailureStage[] = ['RAW_TEXT', 'PROCESSED_TEXT', 'VECTOR_CREATED'];

/**
 * Makes matching entries fail instead of becoming READY.
 * - default: the entry keeps its status at `at` and gains an `error` object `{message, fingerprint}`
 *   when it would have left that status (the API's "errored, recreate me" signal);
 * - `unprocessable: true`: the entry turns `UNPROCESSABLE` (with an `error`) at that moment;
 * - `stuck: true`: the entry stays in status `at` forever, without an error.
 * `errorTimes: N` limits the failure to the first N entries created for the same title
 * (filename when there is no title); the (N+1)-th and later ones become READY. Omitted: all of them.
 */
export interface FailureRule {
  /**
   * Tested against the entry's title and its filename. A string is a picomatch glob; a glob
   * without `/` also matches the last path segment (`bad-*.pdf` matches `docs/bad-1.pdf`).
   */
  match: string | RegExp;
  errorTimes?: number;
  unprocessable?: boolean;
  stuck?: boolean;
  /** The status at which the failure shows. Default `RAW_TEXT`. */
  at?: FailureStage;
  /** The `error.message` to report. */
  message?: string;
}

export type FailureKind = 'error' | 'unprocessable' | 'stuck';

export interface NormalisedFailureRule {
  readonly test: (value: string) => boolean;
  readonly label: string;
  readonly kind: FailureKind;
  readonly times: number;
  readonly at: FailureStage;
  readonly message: string;
}

/** What will happen to one entry; decided once, when it is created. */
export interface FailurePlan {
  readonly kind: FailureKind;
  readonly at: FailureStage;
  readonly message: string;
}

export function normaliseFailureRules(rules: readonly FailureRule[]): readonly NormalisedFailureRule[] {
  if (!Array.isArray(rules)) throw new SimulatorOptionsError('failures', 'an array', rules);
  return Object.freeze(rules.map((rule, i) => normaliseRule(rule, `failures[${i}]`)));
}

function normaliseRule(rule: FailureRule, key: string): NormalisedFailureRule {
  if (rule.unprocessable && rule.stuck) {
    throw new SimulatorOptionsError(`${key}`, 'at most one of `unprocessable` and `stuck`', rule);
  }
  const times = rule.errorTimes ?? Infinity;
  if (times !== Infinity && !(Number.isInteger(times) && times >= 0)) {
    throw new SimulatorOptionsError(`${key}.errorTimes`, 'an integer >= 0', rule.errorTimes);
  }
  const at = rule.at ?? 'RAW_TEXT';
  if (!STAGES.includes(at)) throw new SimulatorOptionsError(`${key}.at`, `one of ${STAGES.join(', ')}`, rule.at);
  const kind: FailureKind = rule.unprocessable ? 'unprocessable' : rule.stuck ? 'stuck' : 'error';
  return Object.freeze({
    test: matcher(rule.match, `${key}.match`),
    label: String(rule.match),
    kind,
    times,
    at,
    message: rule.message ?? defaultMessage(kind),
  });
}

function matcher(match: string | RegExp, key: string): (value: string) => boolean {
  if (match instanceof RegExp) {
    // A /g or /y RegExp keeps lastIndex between calls; a copy without them answers consistently.
    const re = new RegExp(match.source, match.flags.replace(/[gy]/g, ''));
    return (value) => re.test(value);
  }
  if (typeof match === 'string' && match.length > 0) {
    return picomatch(match, { dot: true, basename: true });
  }
  throw new SimulatorOptionsError(key, 'a glob string or a RegExp', match);
}

function defaultMessage(kind: FailureKind): string {
  if (kind === 'unprocessable') return 'The file could not be processed: unsupported or corrupt content';
  return 'Failed to process the entry (simulated failure)';
}

/**
 * The first rule matching the title or filename decides. `ordinal` is 1 for the first entry ever
 * created with this title, 2 for the second, and so on.
 */
export function planFailure(
  rules: readonly NormalisedFailureRule[],
  names: { title?: string | undefined; filename?: string | undefined },
  ordinal: number,
): FailurePlan | null {
  const candidates = [names.title, names.filename].filter((v): v is string => typeof v === 'string');
  const rule = rules.find((r) => candidates.some((value) => r.test(value)));
  if (!rule || ordinal > rule.times) return null;
  return { kind: rule.kind, at: rule.at, message: rule.message };
}
