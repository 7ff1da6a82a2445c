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
  /**
   * Which processing runs the rule counts and fails: `create` (default) the entries created,
   * `patch` the re-processing a `PATCH { rawText }` starts, `any` both, in the order they happen.
   */
  on?: FailureTrigger;
  /** The first `skip` matching runs go through; the failure starts with the next one. Default 0. */
  skip?: number;
  /**
   * Answer a `PATCH` carrying `rawText` of a matching entry with this 4xx status and change
   * nothing (an API version without `rawText` on PATCH). Other PATCHes pass.
   */
  refusePatch?: number;
}

/** What started a processing run: a create, or a PATCH of the entry's raw text. */
export type FailureTrigger = 'create' | 'patch' | 'any';

export type FailureKind = 'error' | 'unprocessable' | 'stuck';

export interface NormalisedFailureRule {
  readonly test: (value: string) => boolean;
  readonly label: string;
  readonly kind: FailureKind;
  readonly times: number;
  readonly at: FailureStage;
  readonly message: string;
  readonly on: FailureTrigger;
  readonly skip: number;
  readonly refusePatch: number | null;
}

/** What will happen to one entry; decided when it is created, again when its text is patched. */
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
  const on = rule.on ?? 'create';
  if (!['create', 'patch', 'any'].includes(on)) throw new SimulatorOptionsError(`${key}.on`, '"create", "patch" or "any"', rule.on);
  const skip = rule.skip ?? 0;
  if (!(Number.isInteger(skip) && skip >= 0)) throw new SimulatorOptionsError(`${key}.skip`, 'an integer >= 0', rule.skip);
  const refuse = rule.refusePatch;
  if (refuse !== undefined && !(Number.isInteger(refuse) && refuse >= 400 && refuse <= 499)) {
    throw new SimulatorOptionsError(`${key}.refusePatch`, 'an integer from 400 to 499', refuse);
  }
  return Object.freeze({
    on,
    skip,
    refusePatch: refuse ?? null,
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

/** How many processing runs of each trigger a title has had, this one included (1 for the first). */
export interface RunOrdinals {
  readonly create: number;
  readonly patch: number;
  readonly any: number;
}

type Names = { title?: string | undefined; filename?: string | undefined };

/**
 * The first rule matching the title or filename and counting this run's trigger decides.
 * Its ordinal is the run's number among the runs it counts (creates, patches, or both).
 */
export function planFailure(
  rules: readonly NormalisedFailureRule[],
  names: Names,
  ordinals: RunOrdinals,
  trigger: 'create' | 'patch' = 'create',
): FailurePlan | null {
  const candidates = namesOf(names);
  const rule = rules.find((r) => r.refusePatch === null && (r.on === 'any' || r.on === trigger) && candidates.some((value) => r.test(value)));
  if (!rule) return null;
  const ordinal = ordinals[rule.on] - rule.skip;
  if (ordinal < 1 || ordinal > rule.times) return null;
  return { kind: rule.kind, at: rule.at, message: rule.message };
}

/** The status a rule answers a PATCH of this entry's raw text with, or null to accept it. */
export function patchRefusal(rules: readonly NormalisedFailureRule[], names: Names): number | null {
  const candidates = namesOf(names);
  return rules.find((r) => r.refusePatch !== null && candidates.some((value) => r.test(value)))?.refusePatch ?? null;
}

function namesOf(names: Names): string[] {
  return [names.title, names.filename].filter((v): v is string => typeof v === 'string');
}
