import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli } from '../support/run-cli.js';
import { startStrictStubServer, type RecordedRequest, type StrictStubServer } from '../support/strict-stub-server.js';

/**
 * Text mode against a server that is not our simulator: a strict implementation of the OpenAPI
 * subset (requests and replies validated against the schema) holding a tiny knowledge base
 * where every entry is READY. Changing two of three synced documents must send two PATCHes
 * carrying the new text, and no create.
 */
const SECRET = 'strict-in-place-secret-9a8b';
const REPLICA = '2d4f6a8c-1e3b-4d5f-8a7c-9e0b1d2f3a4c';
const KB = `/v1/replicas/${REPLICA}/knowledge-base`;
const ENTRY = new RegExp(`^${KB}/(\\d+)$`);

interface Entry {
  id: number;
  title: string;
  text: string;
  createdAt: string;
  updatedAt: string;
}

let server: StrictStubServer;
let ws: CliWorkspace;
const entries = new Map<number, Entry>();

function view(entry: Entry, single: boolean): Record<string, unknown> {
  const base = { id: entry.id, replicaUUID: REPLICA, type: 'text', status: 'READY', title: entry.title, createdAt: entry.createdAt, updatedAt: entry.updatedAt };
  return single ? { ...base, rawText: entry.text, success: true } : base;
}

function list(request: RecordedRequest) {
  const q = request.query;
  const statuses = q.getAll('status').flatMap((s) => s.split(','));
  let items = [...entries.values()];
  if (statuses.length > 0 && !statuses.includes('READY')) items = [];
  if (q.get('hasError') === 'true') items = [];
  const search = q.get('search');
  if (search) items = items.filter((e) => e.title.includes(search));
  if (q.get('sortOrder') === 'desc') items.reverse();
  const pageSize = Number(q.get('pageSize') ?? '24');
  const page = Number(q.get('page') ?? '1');
  const slice = pageSize === 0 ? [] : items.slice((page - 1) * pageSize, page * pageSize);
  return { status: 200, json: { success: true, items: slice.map((e) => view(e, false)), total: items.length } };
}

function startModel(stub: StrictStubServer): void {
  let nextId = 501;
  const now = () => new Date().toISOString();
  stub.route('POST', KB, (request) => {
    const body = JSON.parse(request.body.toString('utf8')) as { title: string; text: string };
    const entry = { id: nextId++, title: body.title, text: body.text, createdAt: now(), updatedAt: now() };
    entries.set(entry.id, entry);
    return { status: 207, json: { success: true, results: [{ type: 'text', enqueued: true, knowledgeBaseID: entry.id }] } };
  });
  stub.route('GET', KB, list);
  const found = (request: RecordedRequest) => entries.get(Number(ENTRY.exec(request.path)?.[1]));
  stub.route('GET', ENTRY, (request) => {
    const entry = found(request);
    return entry ? { status: 200, json: view(entry, true) } : { status: 404, json: { success: false, error: 'Not found' } };
  });
  stub.route('PATCH', ENTRY, (request) => {
    const entry = found(request);
    if (!entry) return { status: 404, json: { success: false, error: 'Not found' } };
    const body = JSON.parse(request.body.toString('utf8')) as { rawText?: string; title?: string };
    if (body.rawText !== undefined) entry.text = body.rawText;
    if (body.title !== undefined) entry.title = body.title;
    entry.updatedAt = now();
    return { status: 200, json: { success: true } };
  });
  stub.route('DELETE', ENTRY, (request) => {
    const entry = found(request);
    if (entry) entries.delete(entry.id);
    return entry ? { status: 200, json: { success: true } } : { status: 404, json: { success: false, error: 'Not found' } };
  });
}

beforeEach(async () => {
  entries.clear();
  server = await startStrictStubServer({ secret: SECRET, apiVersion: '2025-03-25' });
  startModel(server);
  ws = createCliWorkspace({ prefix: 'cli-in-place-', replicaUUID: REPLICA, source: { mode: 'text' } });
});

afterEach(async () => {
  await server.close();
  ws.remove();
});

const sync = () =>
  runBuiltCli(['sync', '--config', ws.configPath, '--wait', '--max-wait', '60', '--json'], {
    env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: server.url },
    timeoutMs: 90_000,
  });

describe('sync in text mode against a strict OpenAPI server', () => {
  it('changing two of three synced documents sends two PATCHes with the new text and no create', async () => {
    ws.write('a.md', '# A\n\nalpha one\n');
    ws.write('b.md', '# B\n\nbravo one\n');
    ws.write('c.md', '# C\n\ncharlie one\n');
    const first = await sync();
    expect(first.code, first.stderr).toBe(0);
    expect(server.requestsTo('POST', KB)).toHaveLength(3);
    const ids = [...entries.keys()];

    ws.write('a.md', '# A\n\nalpha two\n');
    ws.write('b.md', '# B\n\nbravo two, longer now\n');
    const second = await sync();
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ documents: { ready: 3, queued: 0, processing: 0, failed: 0 }, thisRun: { uploaded: 0, updated: 2 } });

    expect(server.requestsTo('POST', KB)).toHaveLength(3);
    const patches = server.requestsTo('PATCH', ENTRY).map((r) => JSON.parse(r.body.toString('utf8')) as { rawText: string });
    expect(patches.map((p) => p.rawText).sort()).toEqual(['# A\n\nalpha two', '# B\n\nbravo two, longer now']);
    expect([...entries.keys()]).toEqual(ids);
    expect(server.responseProblems).toEqual([]);
  }, 120_000);

  it('a server refusing PATCH rawText with 400: the change is replaced, and status says the replica does not take in-place updates', async () => {
    ws.write('a.md', '# A\n\nalpha one\n');
    expect((await sync()).code).toBe(0);
    const [oldId] = [...entries.keys()];
    server.route('PATCH', ENTRY, { status: 400, json: { success: false, error: 'Invalid request body: rawText is not allowed', request_id: 'req-1' } });

    ws.write('a.md', '# A\n\nalpha two\n');
    const second = await sync();
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ documents: { ready: 1, failed: 0 } });
    expect(server.requestsTo('PATCH', ENTRY)).toHaveLength(1);
    expect(server.requestsTo('POST', KB)).toHaveLength(2);
    expect([...entries.values()].map((e) => e.text)).toEqual(['# A\n\nalpha two']);
    expect(entries.has(oldId!)).toBe(false);

    const status = await runBuiltCli(['status', '--config', ws.configPath, '--json']);
    expect(JSON.parse(status.stdout).inPlaceUnsupported).toEqual([
      expect.objectContaining({ replicaUUID: REPLICA, status: 400, code: 'BAD_REQUEST' }),
    ]);
    expect(server.responseProblems).toEqual([]);
  }, 120_000);
});
