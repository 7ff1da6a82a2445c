import { z } from 'zod';
import type { EntryPage, KnowledgeBaseEntry, MediaGroup } from './types.js';

/**
 * Lenient readers for successful responses. They insist only on the fields the pipeline needs
 * and keep everything else: the generated schema forbids extra properties, but a live API
 * still sends hidden ones (`vectorEntryID`, `qdrantPoints`, …) and must not be rejected for it.
 */

const id = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

const entrySchema = z.looseObject({ id, status: z.string(), type: z.string().optional() });

const createResultSchema = z.union([
  z.looseObject({ enqueued: z.literal(true), knowledgeBaseID: id, signedURL: z.string().optional(), type: z.string() }),
  z.looseObject({ enqueued: z.literal(false), error: z.unknown(), type: z.string().optional() }),
]);

const createResponseSchema = z.looseObject({ results: z.array(createResultSchema) });

const listResponseSchema = z.looseObject({ items: z.array(entrySchema), total: z.number().int().nonnegative() });

const fileTypesResponseSchema = z.looseObject({
  mediaGroups: z.array(
    z.looseObject({
      label: z.string(),
      mediaType: z.string(),
      fileTypes: z.array(
        z.looseObject({ mimeTypes: z.array(z.string()), extensions: z.array(z.string()), supportLevel: z.string() }),
      ),
    }),
  ),
});

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export type CreateResult = z.infer<typeof createResultSchema>;

export function readCreateResponse(body: unknown): ReadResult<CreateResult[]> {
  return read(createResponseSchema, body, (value) => value.results);
}

export function readEntry(body: unknown): ReadResult<KnowledgeBaseEntry> {
  return read(entrySchema, body, (value) => {
    const entry: Record<string, unknown> = { ...value };
    // `success` is the envelope's flag, not part of the entry.
    delete entry['success'];
    return entry as KnowledgeBaseEntry;
  });
}

export function readEntryPage(body: unknown): ReadResult<EntryPage> {
  return read(listResponseSchema, body, (value) => ({ items: value.items as KnowledgeBaseEntry[], total: value.total }));
}

export function readFileTypes(body: unknown): ReadResult<MediaGroup[]> {
  return read(fileTypesResponseSchema, body, (value) => value.mediaGroups as MediaGroup[]);
}

function read<S extends z.ZodType, T>(schema: S, body: unknown, pick: (value: z.infer<S>) => T): ReadResult<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, problem: z.prettifyError(parsed.error).replace(/\s+/g, ' ') };
  return { ok: true, value: pick(parsed.data) };
}
