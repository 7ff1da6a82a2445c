import type { ApiFileTypesResponse } from '../api-types.js';
import type { Handler } from '../context.js';
import { MEDIA_GROUPS } from '../file-types.js';
import { apiError, json } from '../reply.js';

/** GET /v1/knowledge-base/file-types */
export const getFileTypes: Handler = (sim) => {
  sim.stats.fileTypes++;
  return json(200, { success: true, mediaGroups: structuredClone([...MEDIA_GROUPS]) } satisfies ApiFileTypesResponse);
};

/**
 * The legacy training endpoints were removed on 2025-10-08 (sensay-api.md §4). What the live API
 * answers for them is not documented; the simulator says 410 Gone, so a client still calling
 * them fails loudly instead of appearing to work.
 */
export const legacyGone: Handler = (_sim, request) =>
  apiError(410, request.requestId, `${request.method} ${request.url.pathname} was removed on 2025-10-08; use /v1/replicas/{replicaUUID}/knowledge-base`, {
    code: 'ENDPOINT_REMOVED',
  });
