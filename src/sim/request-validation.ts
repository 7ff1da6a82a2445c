import { z } from 'zod';
import { ENTRY_STATUSES, ENTRY_TYPES, type EntryStatus, type EntryType } from './api-types.js';
import { UUID_PATTERN } from './options.js';

/** Expected outcome of checking a request part: the parsed value, or the 400 message. */
export type Checked<T> = { ok: true; value: T } | { ok: false; detail: string };

// The schema's own pattern, unanchored as it is there.
const URL_PATTERN = /https?:\/\/[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-zA-Z0-9()]+\b([-a-zA-Z0-9()@:%_+.~#?&/=]*)/;

const createBody = z.strictObject({
  title: z.string().optional(),
  url: z.string().regex(URL_PATTERN, 'expected an http(s) URL').optional(),
  autoRefresh: z.boolean().optional(),
  text: z.string().min(1).optional(),
  filename: z.string().optional(),
});
export type CreateBody = z.infer<typeof createBody>;

const webObject = z.strictObject({
  url: z.url(),
  links: z.array(z.string()).optional(),
  title: z.string().optional(),
  text: z.string().optional(),
  description: z.string().optional(),
  autoRefresh: z.boolean().optional(),
  screenshotURL: z.string().optional(),
});
const youtubeObject = z.strictObject({
  url: z.url(),
  title: z.string().optional(),
  description: z.string().optional(),
  thumbnailURL: z.url().optional(),
  summary: z.string().optional(),
  transcription: z.string().optional(),
  visualTranscription: z.string().optional(),
  playlistID: z.string().optional(),
});

const patchBody = z.strictObject({
  rawText: z.string().min(1).optional(),
  generatedFacts: z.array(z.string()).optional(),
  rawTextChunks: z
    .array(
      z.object({
        content: z.string().optional(),
        chunkIndex: z.int().optional(),
        chunkTokens: z.int().optional(),
        chunkChars: z.int().optional(),
      }),
    )
    .optional(),
  title: z.string().optional(),
  generatedTitle: z.string().optional(),
  summary: z.string().optional(),
  language: z.string().optional(),
  website: webObject.optional(),
  youtube: youtubeObject.optional(),
  file: z
    .strictObject({
      name: z.string().optional(),
      size: z.number().nullable().optional(),
      mimeType: z.string().nullable().optional(),
      screenshot: z.string().optional(),
    })
    .optional(),
  error: z.strictObject({ message: z.string(), fingerprint: z.string().optional() }).optional(),
});
export type PatchBody = z.infer<typeof patchBody>;

function fromZod<T>(result: z.ZodSafeParseResult<T>): Checked<T> {
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, detail: `${where}${issue?.message ?? 'invalid request body'}` };
}

/** A create must name exactly one source: text, filename or url. */
export function checkCreateBody(body: unknown): Checked<CreateBody> {
  const parsed = fromZod(createBody.safeParse(body));
  if (!parsed.ok) return parsed;
  const sources = (['text', 'filename', 'url'] as const).filter((key) => parsed.value[key] !== undefined);
  if (sources.length !== 1) {
    const got = sources.length === 0 ? 'none' : sources.join(', ');
    return { ok: false, detail: `expected exactly one of text, filename or url, got ${got}` };
  }
  return parsed;
}

export function checkPatchBody(body: unknown): Checked<PatchBody> {
  return fromZod(patchBody.safeParse(body));
}

export function checkReplicaUUID(value: string): Checked<string> {
  return UUID_PATTERN.test(value)
    ? { ok: true, value: value.toLowerCase() }
    : { ok: false, detail: `replicaUUID: expected a UUID, got "${value}"` };
}

export function checkEntryId(value: string): Checked<number> {
  const id = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(id) && id > 0
    ? { ok: true, value: id }
    : { ok: false, detail: `knowledgeBaseID: expected a positive integer, got "${value}"` };
}

export interface ListQuery {
  readonly statuses: ReadonlySet<EntryStatus> | null;
  readonly types: ReadonlySet<EntryType> | null;
  readonly search: string | null;
  readonly hasError: boolean | null;
  readonly page: number;
  readonly pageSize: number;
  readonly sortOrder: 'asc' | 'desc';
}

/** Accepts array filters both comma-separated (`status=A,B`) and repeated (`status=A&status=B`). */
export function checkListQuery(params: URLSearchParams): Checked<ListQuery> {
  try {
    const search = single(params, 'search');
    if (search !== null && search.length < 3) throw new QueryError(`search: expected at least 3 characters, got "${search}"`);
    const hasError = single(params, 'hasError');
    if (hasError !== null && hasError !== 'true' && hasError !== 'false') {
      throw new QueryError(`hasError: expected "true" or "false", got "${hasError}"`);
    }
    const sortBy = single(params, 'sortBy');
    if (sortBy !== null && sortBy !== 'createdAt') throw new QueryError(`sortBy: expected "createdAt", got "${sortBy}"`);
    const sortOrder = single(params, 'sortOrder') ?? 'desc';
    if (sortOrder !== 'asc' && sortOrder !== 'desc') throw new QueryError(`sortOrder: expected "asc" or "desc", got "${sortOrder}"`);
    return {
      ok: true,
      value: {
        statuses: list(params, 'status', ENTRY_STATUSES),
        types: list(params, 'type', ENTRY_TYPES),
        search,
        hasError: hasError === null ? null : hasError === 'true',
        page: integer(params, 'page', 1, 1, Number.MAX_SAFE_INTEGER),
        pageSize: integer(params, 'pageSize', 24, 0, 100),
        sortOrder,
      },
    };
  } catch (err) {
    if (err instanceof QueryError) return { ok: false, detail: err.message };
    throw err;
  }
}

class QueryError extends Error {}

function single(params: URLSearchParams, key: string): string | null {
  const values = params.getAll(key);
  if (values.length > 1) throw new QueryError(`${key}: expected one value, got ${values.length}`);
  return values[0] ?? null;
}

function list<T extends string>(params: URLSearchParams, key: string, allowed: readonly T[]): ReadonlySet<T> | null {
  const values = params
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  if (values.length === 0) return null;
  for (const value of values) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new QueryError(`${key}: expected one of ${allowed.join(', ')}, got "${value}"`);
    }
  }
  return new Set(values as T[]);
}

function integer(params: URLSearchParams, key: string, fallback: number, min: number, max: number): number {
  const raw = single(params, key);
  if (raw === null) return fallback;
  const value = /^-?[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new QueryError(`${key}: expected an integer ${range}, got "${raw}"`);
  }
  return value;
}
