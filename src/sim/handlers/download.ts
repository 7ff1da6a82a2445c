import type { Handler } from '../context.js';
import { apiError } from '../reply.js';

/**
 * GET {file.downloadURL}: the stored bytes of a file entry. Like the signed upload, the token in
 * the URL is the credential (no secret needed); a deleted entry or a wrong token is 404/403.
 */
export const downloadFile: Handler = (sim, request) => {
  const entry = sim.store.byUploadToken(request.url.searchParams.get('token') ?? '');
  const id = request.requestId;
  if (!entry) return apiError(403, id, 'Invalid signature: unknown download token', { code: 'INVALID_SIGNATURE' });
  if (entry.deletedAt !== null || entry.upload?.bytes === undefined) return apiError(404, id, `No file stored for entry ${entry.id}`);
  sim.stats.downloads++;
  return { kind: 'text', status: 200, body: entry.upload.bytes, contentType: 'application/octet-stream' };
};
