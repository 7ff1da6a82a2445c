import type { Handler, RequestContext, SimContext } from '../context.js';
import type { StoredEntry } from '../entry-store.js';
import { stateOf, toApiEntry } from '../entry-view.js';
import { apiError, json, type Reply } from '../reply.js';
import { checkEntryId, checkPatchBody } from '../request-validation.js';
import { resolveReplica } from './replica.js';

type Found = { ok: true; entry: StoredEntry } | { ok: false; reply: Reply };

function findEntry(sim: SimContext, request: RequestContext): Found {
  const replica = resolveReplica(sim, request);
  if (!replica.ok) return replica;
  const id = checkEntryId(request.params.knowledgeBaseID ?? '');
  if (!id.ok) return { ok: false, reply: apiError(400, request.requestId, id.detail, { code: 'INVALID_PARAMETER' }) };
  const entry = sim.store.get(replica.uuid, id.value);
  if (!entry) return { ok: false, reply: apiError(404, request.requestId, `Knowledge base entry ${id.value} not found`) };
  return { ok: true, entry };
}

/** GET /v1/replicas/{replicaUUID}/knowledge-base/{knowledgeBaseID} */
export const getEntry: Handler = (sim, request) => {
  const found = findEntry(sim, request);
  if (!found.ok) return found.reply;
  sim.stats.gets++;
  const view = { clockOffsetMs: sim.config.clockOffsetMs, origin: sim.origin };
  return json(200, toApiEntry(found.entry, stateOf(found.entry, sim.config.durations, request.now), view));
};

/**
 * PATCH …/{knowledgeBaseID}. Title and the descriptive fields are stored and shown back;
 * `error` sets the entry's error object; `website`, `youtube` and `file` are accepted and ignored.
 * `rawText` replaces a text entry's text and processes it again from the start ("The entry status
 * will change to PROCESSING and then to READY"), with failures planned as for a create; a failure
 * rule's `refusePatch` answers it with a 4xx instead, and the `patchTimeout` fault applies it
 * without answering.
 */
export const patchEntry: Handler = (sim, request) => {
  const found = findEntry(sim, request);
  if (!found.ok) return found.reply;
  const checked = checkPatchBody(request.body);
  if (!checked.ok) return apiError(400, request.requestId, checked.detail, { code: 'INVALID_REQUEST_BODY' });
  const { entry } = found;
  const body = checked.value;
  const refused = body.rawText === undefined ? null : sim.store.patchRefusal(entry);
  if (refused !== null) {
    return apiError(refused, request.requestId, 'Invalid request body: property "rawText" is not allowed', { code: 'INVALID_REQUEST_BODY' });
  }
  if (body.rawText !== undefined) {
    sim.store.reprocess(entry, body.rawText, request.now);
    sim.stats.rawTextPatches++;
  }
  if (body.title !== undefined) entry.title = body.title;
  const patch = entry.patch;
  if (body.generatedTitle !== undefined) patch.generatedTitle = body.generatedTitle;
  if (body.summary !== undefined) patch.summary = body.summary;
  if (body.language !== undefined) patch.language = body.language;
  if (body.generatedFacts !== undefined) patch.generatedFacts = body.generatedFacts;
  if (body.rawTextChunks !== undefined) patch.rawTextChunks = body.rawTextChunks;
  if (body.error !== undefined) patch.error = body.error;
  entry.patchedAt = request.now;
  sim.stats.patches++;
  const timeout = body.rawText === undefined ? null : sim.faults.takePatchTimeout();
  if (timeout) return { kind: timeout };
  return json(200, { success: true });
};

/** DELETE …/{knowledgeBaseID}: gone at once either way; 202 only says leftovers are purged later. */
export const deleteEntry: Handler = (sim, request) => {
  const found = findEntry(sim, request);
  if (!found.ok) return found.reply;
  sim.store.delete(found.entry, request.now);
  sim.stats.deletes++;
  if (sim.config.deleteMode === 202) {
    return json(202, { success: true, message: 'Deletion accepted; associated data will be purged within 24 hours' });
  }
  return json(200, { success: true });
};
