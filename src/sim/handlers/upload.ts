import type { Handler } from '../context.js';
import { createHash } from 'node:crypto';
import { readBody } from '../http-body.js';
import { apiError, json } from '../reply.js';
import { SECRET_HEADER } from '../request-log.js';

const isOctetStream = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/octet-stream';

/**
 * PUT {signedURL}: the storage side of a file create. Needs no secret (the token in the URL is
 * the credential). Stricter than real storage on one point: the body must be declared
 * `application/octet-stream`, because that is the protocol our client promises to follow.
 */
export const uploadFile: Handler = async (sim, request) => {
  if (request.headers[SECRET_HEADER] !== undefined) sim.stats.secretSentToUpload++;
  const entry = sim.store.byUploadToken(request.url.searchParams.get('token') ?? '');
  const id = request.requestId;
  if (!entry) return apiError(403, id, 'Invalid signature: unknown upload token', { code: 'INVALID_SIGNATURE' });
  if (entry.signedUrlExpiresAt !== null && request.now >= entry.signedUrlExpiresAt) {
    return apiError(403, id, 'Signed upload URL has expired', { code: 'SIGNED_URL_EXPIRED' });
  }
  if (entry.deletedAt !== null) return apiError(404, id, `Knowledge base entry ${entry.id} no longer exists`);
  if (entry.upload !== null) return apiError(409, id, 'The resource already exists', { code: 'ALREADY_UPLOADED' });
  if (!isOctetStream(request.headers['content-type'])) {
    return apiError(415, id, 'Expected Content-Type: application/octet-stream', { code: 'UNSUPPORTED_MEDIA_TYPE' });
  }
  const received = await readBody(request.raw, sim.config.maxUploadBytes);
  if (!received.ok) {
    if (received.reason === 'ABORTED') return { kind: 'drop' };
    return apiError(413, id, `Upload exceeds ${sim.config.maxUploadBytes} bytes`, { code: 'PAYLOAD_TOO_LARGE' });
  }
  const bytes = received.value;
  entry.upload = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), at: sim.config.clock.now(), bytes };
  sim.stats.uploads++;
  return json(200, { Key: `replica_files/${entry.replicaUUID}/${entry.id}/${entry.filename ?? ''}` });
};
