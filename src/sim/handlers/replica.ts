import type { RequestContext, SimContext } from '../context.js';
import { apiError, type Reply } from '../reply.js';
import { checkReplicaUUID } from '../request-validation.js';

/** The request's replica UUID (lower-cased), or the 400/404 reply a real server would give. */
export function resolveReplica(sim: SimContext, request: RequestContext): { ok: true; uuid: string } | { ok: false; reply: Reply } {
  const checked = checkReplicaUUID(request.params.replicaUUID ?? '');
  if (!checked.ok) return { ok: false, reply: apiError(400, request.requestId, checked.detail, { code: 'INVALID_PARAMETER' }) };
  if (sim.config.replicas && !sim.config.replicas.has(checked.value)) {
    return { ok: false, reply: apiError(404, request.requestId, 'Cannot find replica') };
  }
  return { ok: true, uuid: checked.value };
}
