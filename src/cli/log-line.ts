/**
 * One log record as one terminal line a person can follow:
 * `14:02:07 WARN  file rejected; it is looked at again when it changes  path=locked.pdf reason=ENCRYPTED`.
 * The time, the level, the message, at most three fields that say what it is about, and an
 * error's code and first line. The full record stays available as JSON (`--log-format json`).
 * Pure: the record comes in already scrubbed of secrets (see logger.ts), nothing is read or written.
 */

export interface LogLineOptions {
  /** ANSI colour for the level (only when the terminal takes it). */
  readonly colors: boolean;
}

/** At most this many fields follow the message. */
export const MAX_LINE_FIELDS = 3;
const MAX_VALUE_CHARS = 80;
const MAX_ERROR_CHARS = 160;

/** Fields that say what a record is about, in the order people look for them. */
const PREFERRED_FIELDS = ['relPath', 'path', 'source', 'reason', 'code', 'status', 'action', 'url', 'detail'];
/** pino's own fields, errors (shown apart) and internal ids nobody at a terminal acts on. */
const HIDDEN_FIELDS = new Set([
  'level', 'time', 'pid', 'hostname', 'msg', 'v', 'component', 'err', 'error',
  'documentId', 'jobId', 'fingerprint', 'requestId', 'apiCode', 'method', 'stack',
]);

const LEVELS: Readonly<Record<number, { label: string; color: string }>> = {
  10: { label: 'TRACE', color: '90' },
  20: { label: 'DEBUG', color: '90' },
  30: { label: 'INFO', color: '32' },
  40: { label: 'WARN', color: '33' },
  50: { label: 'ERROR', color: '31' },
  60: { label: 'FATAL', color: '35' },
};

export function formatLogLine(record: Readonly<Record<string, unknown>>, options: LogLineOptions): string {
  const parts = [clockTime(record.time), levelLabel(record.level, options.colors), oneLine(String(record.msg ?? ''))];
  const fields = lineFields(record).map(([key, value]) => `${key}=${value}`);
  if (fields.length > 0) parts.push(` ${dim(fields.join(' '), options.colors)}`);
  const error = errorSummary(record.err ?? record.error);
  if (error) parts.push(`(${error})`);
  return parts.join(' ').trimEnd();
}

/** The fields shown after the message: the preferred ones first, then the rest in record order. */
export function lineFields(record: Readonly<Record<string, unknown>>): [string, string][] {
  const keys = [...PREFERRED_FIELDS.filter((key) => key in record), ...Object.keys(record).filter((key) => !PREFERRED_FIELDS.includes(key))];
  const shown: [string, string][] = [];
  for (const key of keys) {
    if (shown.length === MAX_LINE_FIELDS) break;
    if (HIDDEN_FIELDS.has(key)) continue;
    const value = scalar(record[key]);
    if (value !== null) shown.push([key, value]);
  }
  return shown;
}

/** `CODE 503: first line of the message`, from an Error as pino serialises it or a `toLogFields()` object. */
export function errorSummary(err: unknown): string | null {
  if (typeof err === 'string') return truncate(oneLine(err), MAX_ERROR_CHARS);
  if (typeof err !== 'object' || err === null) return null;
  const { code, status, message, type } = err as Record<string, unknown>;
  const label = [code ?? (type !== 'Error' ? type : undefined), status].filter((v) => v !== undefined && v !== null && v !== '').join(' ');
  const text = typeof message === 'string' ? truncate(oneLine(message.split('\n')[0] ?? ''), MAX_ERROR_CHARS) : '';
  if (label === '' && text === '') return null;
  return label === '' ? text : text === '' ? label : `${label}: ${text}`;
}

/** Zero counts, empty values and nested objects say nothing on one line: they are left out. */
function scalar(value: unknown): string | null {
  if (typeof value === 'number') return value === 0 || !Number.isFinite(value) ? null : String(value);
  if (typeof value === 'boolean') return value ? 'true' : null;
  if (typeof value !== 'string' || value === '') return null;
  const text = truncate(oneLine(value), MAX_VALUE_CHARS);
  return /^[\w./:@+\-→[\]]+$/u.test(text) ? text : JSON.stringify(text);
}

function levelLabel(level: unknown, colors: boolean): string {
  const known = typeof level === 'number' ? LEVELS[level] : undefined;
  const label = (known?.label ?? String(level ?? '')).padEnd(5);
  return colors && known ? `\u001b[${known.color}m${label}\u001b[39m` : label;
}

function dim(text: string, colors: boolean): string {
  return colors ? `\u001b[2m${text}\u001b[22m` : text;
}

function clockTime(time: unknown): string {
  const at = typeof time === 'number' ? new Date(time) : null;
  if (at === null || Number.isNaN(at.getTime())) return '--:--:--';
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
