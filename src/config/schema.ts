/**
 * The config file's schema. Every leaf carries its own "expected …" message so that an issue
 * reads `limits.uploadsPerHour: expected an integer >= 1, got 0` whatever zod would have said.
 * Objects are strict: an unknown key is an error (with a did-you-mean hint, see format-issues).
 * Paths stay as written here; resolve-config makes them absolute against the file's folder.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { normaliseHttpUrl } from './http-url.js';
import { DEFAULT_PDF_ENGINE, PDF_ENGINES } from '../extractors/pdf-engine.js';

export const DEFAULT_BASE_URL = 'https://api.sensay.io';
export const DEFAULT_API_VERSION = '2025-03-25';
export const DEFAULT_STATE = '.sensay-ingest/state.db';
/** /healthz, /readyz and /metrics: not a port common tools use, and not the simulator's 8787. */
export const DEFAULT_DAEMON_PORT = 7441;
export const DEFAULT_RETENTION_DAYS = 30;

const expected = (what: string) => ({ error: `expected ${what}` });

function integer(min: number, max?: number) {
  const e = expected(max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`);
  const atLeast = z.int(e).min(min, e);
  return max === undefined ? atLeast : atLeast.max(max, e);
}

function nonEmptyString(what = 'a non-empty string') {
  return z.string(expected(what)).min(1, expected(what));
}

function stringList() {
  return z.array(nonEmptyString('a non-empty glob pattern'), expected('an array of glob patterns'));
}

const object = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, expected('an object'));

const baseUrl = z.string(expected('an http(s) URL')).transform((value, ctx) => {
  const checked = normaliseHttpUrl(value);
  if (checked.ok) return checked.url;
  ctx.addIssue({ code: 'custom', message: checked.problem, input: value });
  return z.NEVER;
});

const apiSchema = object({
  baseUrl: baseUrl.default(DEFAULT_BASE_URL),
  apiVersion: nonEmptyString('an API version such as "2025-03-25"').default(DEFAULT_API_VERSION),
  userId: nonEmptyString('a non-empty string or null').nullable().default(null),
  organizationSecretFile: nonEmptyString('a file path or null').nullable().default(null),
  timeoutSeconds: z
    .number(expected('a number of seconds > 0'))
    .positive(expected('a number of seconds > 0'))
    .default(95),
});

const limitsSchema = object({
  uploadsPerHour: integer(1).default(10),
  requestsPerMinute: integer(1).default(100),
  maxFileBytes: integer(1).default(52_428_800),
  maxAttempts: integer(1).default(3),
  recreateBackoffSeconds: integer(1).default(60),
});

const statusSchema = object({
  pollIntervalSeconds: integer(1).default(30),
  stuckAfterMinutes: integer(1).default(120),
});

const extractionSchema = object({
  // null (or leaving the key out) means one worker per CPU of the machine it runs on.
  workers: z
    .int(expected('an integer >= 1, or null for one per CPU'))
    .min(1, expected('an integer >= 1, or null for one per CPU'))
    .nullable()
    .default(null)
    .transform((workers) => workers ?? availableParallelism()),
  taskTimeoutSeconds: integer(1).default(60),
  maxWorkerMemoryMb: integer(1).default(1024),
  maxDocxUncompressedBytes: integer(1).default(536_870_912),
  maxDocxEntries: integer(1).default(10_000),
  idleSeconds: integer(1).default(30),
  startTimeoutSeconds: integer(1).default(60),
  pdfEngine: z.enum(PDF_ENGINES, expected('"pdfium" or "pdf.js"')).default(DEFAULT_PDF_ENGINE),
});

const daemonSchema = object({
  port: integer(0, 65_535).default(DEFAULT_DAEMON_PORT),
  host: nonEmptyString('a host name or IP address').default('127.0.0.1'),
  awaitWriteFinishMs: integer(0).default(2000),
  rescanMinutes: integer(1).default(10),
  unhealthyAfterSeconds: integer(1).default(600),
  /** The console's access token (issue 11); required when `host` is not a loopback address. */
  tokenFile: nonEmptyString('a file path').nullable().default(null),
  /** A further name the console answers to (behind a proxy, or a DNS name for the host). */
  publicHost: nonEmptyString('a host name').nullable().default(null),
});

/** `host.name` keys source ownership (DECISIONS): a CI runner new every run keeps its sources by keeping it. */
const hostSchema = object({
  name: nonEmptyString('a host name such as "office-1"')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, expected('a host name of letters, digits, ".", "_" and "-", such as "office-1"'))
    .optional(),
  sourceLeaseSeconds: integer(5).default(60),
});

const stateShape =
  'a SQLite file path, a postgres:// URL, or an object { "path" | "url" | "urlFile": "...", "retentionDays": 30 }';

export const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** `state` is a path or a postgres:// URL (shorthands), or an object; resolve-config checks the combination. */
const stateSchema = z.preprocess(
  (value) => (typeof value === 'string' ? (POSTGRES_URL.test(value) ? { url: value } : { path: value }) : value),
  z.strictObject(
    {
      path: nonEmptyString('a file path').optional(),
      url: nonEmptyString('a postgres:// URL').optional(),
      urlFile: nonEmptyString('a file path').optional(),
      retentionDays: integer(1).default(DEFAULT_RETENTION_DAYS),
    },
    expected(stateShape),
  ),
);

const percent = expected('a number from 0 to 100');

export const sourceSchema = object({
  name: nonEmptyString('a non-empty name').optional(),
  path: nonEmptyString('a folder path'),
  replicaUUID: z
    .guid(expected('a UUID'))
    .transform((uuid) => uuid.toLowerCase()),
  include: stringList().default(['**/*']),
  exclude: stringList().default([]),
  mode: z.enum(['file', 'text'], expected('"file" or "text"')).default('file'),
  onDelete: z.enum(['delete', 'keep'], expected('"delete" or "keep"')).default('delete'),
  maxDeletePercent: z.number(percent).min(0, percent).max(100, percent).default(20),
  priority: z.int(expected('an integer')).default(0),
  requireText: z.boolean(expected('true or false')).default(false),
  // Left out: "in-place" for mode "text", "replace" for mode "file" (resolve-config decides).
  update: z.enum(['in-place', 'replace'], expected('"in-place" or "replace"')).optional(),
  allowEmpty: z.boolean(expected('true or false')).default(false),
  // Another host owns this source; this one takes it over while that host is down (failover).
  standby: z.boolean(expected('true or false')).default(false),
});

export const configFileSchema = object({
  api: apiSchema.prefault({}),
  state: stateSchema.default({ path: DEFAULT_STATE, retentionDays: DEFAULT_RETENTION_DAYS }),
  limits: limitsSchema.prefault({}),
  status: statusSchema.prefault({}),
  extraction: extractionSchema.prefault({}),
  daemon: daemonSchema.prefault({}),
  host: hostSchema.prefault({}),
  sources: z
    .array(sourceSchema, expected('an array of sources'))
    .min(1, expected('at least one source, e.g. [{ "path": "docs", "replicaUUID": "…" }]')),
});

/** What the file says, validated and defaulted; paths not yet resolved. */
export type ConfigFile = z.output<typeof configFileSchema>;
/** What may be written in the file. */
export type ConfigFileInput = z.input<typeof configFileSchema>;
