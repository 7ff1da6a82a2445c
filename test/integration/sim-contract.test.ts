import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenApiValidator } from '../support/openapi-validator.js';
import { kbPath, REPLICA, SimClient } from '../support/sim-client.js';

const validator = new OpenApiValidator();
const LIST = kbPath(REPLICA);
const entry = {
  id: 1,
  replicaUUID: REPLICA,
  type: 'file',
  status: 'READY',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000Z',
  file: { name: 'a.pdf', size: null, mimeType: 'application/pdf' },
};
const ok = (method: string, path: string, status: number, body: unknown, contentType = 'application/json') =>
  validator.validate({ method, path, status, contentType, body });

describe('OpenAPI validator (the guard every simulator test relies on)', () => {
  it('maps concrete paths to their templates', () => {
    expect(validator.templateOf(kbPath(REPLICA, 7))).toBe('/v1/replicas/{replicaUUID}/knowledge-base/{knowledgeBaseID}');
    expect(validator.templateOf('/v1/knowledge-base/file-types')).toBe('/v1/knowledge-base/file-types');
    expect(validator.templateOf('/__upload/x?token=y')).toBeNull();
  });

  it('accepts a conforming list and rejects the live API’s hidden fields and a missing total', () => {
    expect(ok('GET', LIST, 200, { success: true, items: [entry], total: 1 }).ok).toBe(true);
    expect(ok('GET', LIST, 200, { success: true, items: [{ ...entry, vectorEntryID: 'x' }], total: 1 }).ok).toBe(false);
    expect(ok('GET', LIST, 200, { success: true, items: [{ ...entry, rawText: 'only on GET one' }], total: 1 }).ok).toBe(false);
    expect(ok('GET', LIST, 200, { success: true, items: [] }).ok).toBe(false);
  });

  it('checks create results, error envelopes and statuses an operation does not declare', () => {
    expect(ok('POST', LIST, 207, { success: true, results: [{ type: 'file', enqueued: true }] }).ok).toBe(false);
    expect(ok('POST', LIST, 401, { success: false, error: 'no' }).ok).toBe(false);
    expect(ok('GET', LIST, 201, { success: true }).ok).toBe(false);
    expect(ok('DELETE', kbPath(REPLICA, 1), 429, { success: false, error: 'slow down', request_id: 'r' })).toMatchObject({ ok: true, declared: false });
    expect(ok('DELETE', kbPath(REPLICA, 1), 500, { success: false, error: 'boom' }).ok).toBe(false);
    expect(ok('GET', LIST, 400, undefined, 'text/html').ok).toBe(false);
    expect(ok('GET', LIST, 503, undefined, 'text/html').ok).toBe(true);
  });
});

describe('SimClient', () => {
  let server: Server | undefined;
  let client: SimClient | undefined;
  afterEach(async () => {
    await client?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('fails the request that receives a response violating the schema', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, items: [{ ...entry, qdrantPoints: [] }], total: 1 }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new SimClient({ url: `http://127.0.0.1:${port}`, secret: 's' });
    await expect(client.get(LIST)).rejects.toThrow(/OpenAPI violation/);
  });
});
