import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import { parseConfig } from '../../src/config/index.js';
import { openConsole } from '../../src/console/open-console.js';
import { createApiReachability } from '../../src/daemon/api-reachability.js';
import { startStatusServer, type StatusServer } from '../../src/daemon/http-server.js';
import { createLoopHeartbeat } from '../../src/daemon/loop-heartbeat.js';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import { budgetScope, UPLOAD_WINDOW_MS } from '../../src/engine/budget-scope.js';
import { summariseState } from '../../src/engine/engine-summary.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { queuedCreate, readyDocument, scanned, version } from '../contract/store-contract-fixtures.js';

const silent = pino({ level: 'silent' });
const REPLICA = '3f1c7d8e-0000-4000-8000-00000000000a';
const TOKEN = 'console-token-0123456789abcdef';
const API = 'http://127.0.0.1:9';

interface World {
  root: string;
  url: string;
  host: string;
  store: SqliteStore;
  server: StatusServer;
  hooks: string[];
  ids: { failed: number; rejected: number; ready: number; queued: number; gone: number };
}

let world: World | undefined;
afterEach(async () => {
  if (!world) return;
  await world.server.close();
  await world.store.close();
  await rm(world.root, { recursive: true, force: true });
  world = undefined;
});

function configFor(root: string, daemon: Record<string, unknown>) {
  return parseConfig(
    {
      api: { baseUrl: API },
      state: join(root, 'state.db'),
      limits: { uploadsPerHour: 3 },
      daemon,
      sources: [
        { name: 'docs', path: join(root, 'docs'), replicaUUID: REPLICA },
        { name: 'web', path: join(root, 'web'), replicaUUID: REPLICA },
      ],
    },
    { configPath: join(root, 'sensay-ingest.config.json'), env: {} },
  );
}

/** A real SQLite state with one document in each interesting state, and the daemon's server on it. */
async function start(options: { offLoopback?: boolean } = {}): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'console-api-'));
  const daemon: Record<string, unknown> = { port: 0 };
  if (options.offLoopback) {
    await writeFile(join(root, 'console.token'), `${TOKEN}\n`);
    await chmod(join(root, 'console.token'), 0o600);
    Object.assign(daemon, { host: '0.0.0.0', tokenFile: 'console.token', publicHost: 'ingest.example.org' });
  }
  const config = configFor(root, daemon);
  const store = await openSqliteStore({ path: join(root, 'state.db') });
  const now = Date.now();
  const ready = await readyDocument(store, 'ready.md', 500, now - 60_000);
  const failed = (await queuedCreate(store, 'broken.pdf', { now: now - 50_000 })).document;
  const claim = await store.claimUpload({ owner: 't', now: now - 49_000, leaseMs: 60_000, scope: budgetScope(API), limit: 3, windowMs: UPLOAD_WINDOW_MS });
  if (!claim.ok || claim.document.id !== failed.id) throw new Error('setup: could not claim broken.pdf');
  await store.recordEntryCreated(failed.id, 501, now - 48_000);
  await store.markProcessing(failed.id, 501, now - 47_000);
  await store.markFailed(failed.id, { message: 'Sensay could not process the file', code: 'UNPROCESSABLE', requestId: 'req-42', fingerprint: 'fp-7', step: 'processing' }, now - 46_000);
  // Two more creates of the last hour: the budget (3 an hour) is spent.
  for (const ago of [40_000, 30_000]) await store.acquireUploadSlot({ scope: budgetScope(API), limit: 3, windowMs: UPLOAD_WINDOW_MS, now: now - ago });
  const rejected = await scanned(store, 'secret.pdf', { now });
  await store.recordRejected(rejected.id, { version: version(), reason: 'ENCRYPTED', detail: 'secret.pdf: the PDF is password-protected' }, now);
  const queued = (await queuedCreate(store, 'web/page.html', { sourceName: 'web', now })).document;
  const gone = await readyDocument(store, 'old.md', 502, now - 30_000);
  await store.replaceHeldDeletes(['docs'], [{ sourceName: 'docs', reason: 'TOO_MANY_DELETES', detail: 'source "docs": 1 of 3 documents would be deleted', documentIds: [gone.id], approvable: true, rootDevice: null, heldAt: now }]);

  const hooks: string[] = [];
  const consoleHandler = await openConsole({ config, store, clock: systemClock, log: silent, daemon: { scanNow: () => hooks.push('scan'), jobsNow: () => hooks.push('jobs') } });
  const heartbeat = createLoopHeartbeat(systemClock);
  const reachability = createApiReachability(systemClock);
  const budget = { scope: budgetScope(API), limit: 3, windowMs: UPLOAD_WINDOW_MS };
  const server = await startStatusServer({
    port: 0,
    host: config.daemon.host,
    clock: systemClock,
    log: silent,
    startedAt: now,
    summary: () => summariseState(store, budget, systemClock.now()),
    metrics: createDaemonMetrics({ processMetrics: false }),
    health: { loop: () => heartbeat.vitals(), apiDownSince: () => reachability.downSince(), pollIntervalMs: 30_000, unhealthyAfterMs: 600_000 },
    console: consoleHandler,
  });
  const host = new URL(server.url).host;
  world = { root, url: server.url, host, store, server, hooks, ids: { failed: failed.id, rejected: rejected.id, ready: ready.id, queued: queued.id, gone: gone.id } };
  return world;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(w: World, method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const res = await request(`${w.url}${path}`, { method: method as 'GET', headers: { host: w.host, ...options.headers }, body: options.body });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

async function csrf(w: World, headers: Record<string, string> = {}): Promise<string> {
  return (await call(w, 'GET', '/api/session', { headers })).json.csrfToken as string;
}

async function post(w: World, action: string, body: unknown, extra: Record<string, string> = {}): Promise<Answer> {
  const token = await csrf(w, extra);
  return call(w, 'POST', `/api/actions/${action}`, {
    headers: { origin: `http://${w.host}`, 'content-type': 'application/json', 'x-csrf-token': token, ...extra },
    body: JSON.stringify(body),
  });
}

async function snapshot(store: SqliteStore) {
  return JSON.stringify([
    await store.listDocuments(),
    await store.listJobs(),
    (await store.listEvents({ newestFirst: true, limit: 1 }))[0]?.id,
    await store.listPendingActions(),
    await store.pausedSources(),
    await store.listDeleteApprovals(),
    await store.budgetStatus(budgetScope(API), 3, UPLOAD_WINDOW_MS, 0),
  ]);
}

describe('console API: reads', () => {
  it('serves the page and its assets with the security headers, and no inline script', async () => {
    const w = await start();
    const page = await call(w, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.text).not.toMatch(/https?:\/\//);
    for (const asset of ['/assets/console.js', '/assets/console.css']) expect((await call(w, 'GET', asset)).status).toBe(200);
    expect((await call(w, 'GET', '/assets/nope.js')).json).toEqual({ error: { code: 'NOT_FOUND', message: 'no such asset' } });
  });

  it('GET /api/totals: by state overall and per source, with pauses and pending actions', async () => {
    const w = await start();
    const body = (await call(w, 'GET', '/api/totals')).json;
    expect(body.totals).toEqual({ ready: 2, processing: 0, queued: 1, failed: 1, rejected: 1 });
    expect(body.sources.map((s: { name: string; totals: object; paused: boolean }) => [s.name, s.totals, s.paused])).toEqual([
      ['docs', { ready: 2, processing: 0, queued: 0, failed: 1, rejected: 1 }, false],
      ['web', { ready: 0, processing: 0, queued: 1, failed: 0, rejected: 0 }, false],
    ]);
    expect(body.pendingActions).toEqual([]);
  });

  it('GET /api/documents filters by state, source and text, sorts and pages; a bad parameter is a 400 in JSON', async () => {
    const w = await start();
    const all = (await call(w, 'GET', '/api/documents?sort=path')).json;
    expect(all.total).toBe(5);
    expect(all.documents.map((d: { path: string }) => d.path)).toEqual(['broken.pdf', 'old.md', 'ready.md', 'secret.pdf', 'web/page.html']);
    const failed = (await call(w, 'GET', '/api/documents?state=failed,rejected&sort=path&order=desc')).json;
    expect(failed.documents.map((d: { path: string; state: string }) => [d.path, d.state])).toEqual([['secret.pdf', 'rejected'], ['broken.pdf', 'failed']]);
    expect(failed.documents[1]).toMatchObject({ condition: 'failed', attempts: 1, entryId: 501, kind: 'pdf', lastError: { requestId: 'req-42', fingerprint: 'fp-7' } });
    expect((await call(w, 'GET', '/api/documents?source=web')).json.documents.map((d: { path: string }) => d.path)).toEqual(['web/page.html']);
    expect((await call(w, 'GET', '/api/documents?q=READY')).json.total).toBe(1);
    const page = (await call(w, 'GET', '/api/documents?sort=path&offset=2&limit=2')).json;
    expect(page).toMatchObject({ total: 5, offset: 2, limit: 2 });
    expect(page.documents.map((d: { path: string }) => d.path)).toEqual(['ready.md', 'secret.pdf']);
    for (const bad of ['state=nope', 'sort=password', 'limit=0', 'offset=-3', 'order=up']) {
      const answer = await call(w, 'GET', `/api/documents?${bad}`);
      expect(answer.status, bad).toBe(400);
      expect(answer.json.error.code).toBe('BAD_REQUEST');
    }
  });

  it('GET /api/documents/:id gives the document and its history; an unknown one is a 404 in JSON', async () => {
    const w = await start();
    const one = (await call(w, 'GET', `/api/documents/${w.ids.failed}`)).json;
    expect(one.document).toMatchObject({ path: 'broken.pdf', state: 'failed' });
    expect(one.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['discovered', 'queued', 'upload-claimed']));
    expect(JSON.stringify(one.events)).toContain('req-42');
    for (const id of ['9999', 'abc', '0']) {
      const missing = await call(w, 'GET', `/api/documents/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.headers['content-type']).toMatch(/application\/json/);
      expect(missing.json.error.code).toBe('NOT_FOUND');
    }
    expect((await call(w, 'GET', '/api/nothing-here')).json.error.code).toBe('NOT_FOUND');
  });

  it('GET /api/budget: the creates of the window, next free slots, and when each queued upload should start', async () => {
    const w = await start();
    const b = (await call(w, 'GET', '/api/budget')).json;
    expect(b).toMatchObject({ limit: 3, used: 3, remaining: 0, blockedUntil: null, quotaPauses: [] });
    expect(b.slots).toHaveLength(3);
    expect(b.nextFreeSlots).toHaveLength(3);
    expect(Date.parse(b.nextFreeSlots[0])).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(b.queue.documents).toEqual([{ documentId: w.ids.queued, source: 'web', path: 'web/page.html', kind: 'create', startsAt: b.nextFreeSlots[0] }]);
    const queued = (await call(w, 'GET', `/api/documents/${w.ids.queued}`)).json.document;
    expect(queued.condition).toBe('waiting-for-budget');
  });

  it('GET /api/problems: rejected with what to do, failed with the last error, held deletes with the reason', async () => {
    const w = await start();
    const p = (await call(w, 'GET', '/api/problems')).json;
    expect(p.rejected.documents[0]).toMatchObject({ path: 'secret.pdf', rejectReason: 'ENCRYPTED', advice: expect.stringContaining('password') });
    expect(p.failed.documents[0]).toMatchObject({ path: 'broken.pdf', lastError: { code: 'UNPROCESSABLE', requestId: 'req-42' } });
    expect(p.heldDeletes).toEqual([expect.objectContaining({ source: 'docs', reason: 'TOO_MANY_DELETES', documents: 1, paths: ['old.md'], approvable: true, approvedAt: null })]);
  });

  it('no GET changes the state, and no answer shows a path outside the sources or a stack trace', async () => {
    const w = await start();
    const before = await snapshot(w.store);
    const bodies: string[] = [];
    for (const path of ['/', '/api/session', '/api/totals', '/api/documents', `/api/documents/${w.ids.failed}`, '/api/budget', '/api/problems', '/api/actions/retry', '/api/documents/404', '/metrics', '/healthz']) {
      bodies.push((await call(w, 'GET', path)).text);
    }
    expect(await snapshot(w.store)).toBe(before);
    const all = bodies.join('\n');
    expect(all).not.toContain(w.root.replace(/\/console-api-.*/, '/console-api-'));
    expect(all).not.toMatch(/\n\s+at /);
  });

  it('GET /api/events streams a change when an action changes the state', async () => {
    const w = await start();
    const res = await request(`${w.url}/api/events`, { headers: { host: w.host } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const seen = new Promise<string>((resolve) => {
      let text = '';
      res.body.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('event: change')) resolve(text);
      });
    });
    await post(w, 'pause', { source: 'web' });
    expect(await seen).toContain('event: change');
    res.body.destroy();
  });
});

describe('console API: actions', () => {
  it('retry one failed document re-queues it and wakes the daemon; retry all needs {"all": true}', async () => {
    const w = await start();
    const one = await post(w, 'retry', { documentIds: [w.ids.failed] });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ requeued: [{ id: w.ids.failed, path: 'broken.pdf', kind: 'replace', attemptsBefore: 1 }], carriedOut: 'now' });
    expect((await w.store.getDocument(w.ids.failed))?.state).toBe('queued');
    expect(w.hooks).toContain('jobs');
    expect((await post(w, 'retry', {})).json.error.code).toBe('BAD_REQUEST');
    expect((await post(w, 'retry', { documentIds: [9999] })).status).toBe(404);
    expect((await post(w, 'retry', { all: true })).json).toMatchObject({ requeued: [] });
  });

  it('pause and resume a source: recorded in the store, its jobs not claimed meanwhile', async () => {
    const w = await start();
    expect((await post(w, 'pause', { source: 'web' })).json).toEqual({ source: 'web', changed: true, carriedOut: 'now' });
    expect(await w.store.pausedSources()).toEqual([expect.objectContaining({ sourceName: 'web' })]);
    expect((await call(w, 'GET', `/api/documents/${w.ids.queued}`)).json.document.condition).toBe('source-paused');
    expect((await call(w, 'GET', '/api/budget')).json.queue.uploads).toBe(0);
    expect((await post(w, 'resume', { source: 'web' })).json).toMatchObject({ source: 'web', changed: true });
    expect(await w.store.pausedSources()).toEqual([]);
    const unknown = await post(w, 'pause', { source: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe('UNKNOWN_SOURCE');
  });

  it('sync now is recorded and wakes the daemon; approve-deletes records the approval of what is held', async () => {
    const w = await start();
    expect((await post(w, 'sync-now', {})).json).toMatchObject({ requested: { kind: 'sync-now', source: null } });
    expect(await w.store.listPendingActions()).toHaveLength(1);
    expect(w.hooks).toEqual(['scan']);
    const approved = await post(w, 'approve-deletes', { sources: ['docs'] });
    expect(approved.json).toMatchObject({ approved: [{ source: 'docs', documents: 1, paths: ['old.md'] }] });
    expect(await w.store.listDeleteApprovals()).toEqual([expect.objectContaining({ sourceName: 'docs', documentIds: [w.ids.gone] })]);
    expect((await post(w, 'approve-deletes', { sources: ['nope'] })).json.error.code).toBe('UNKNOWN_SOURCE');
  });

  it('refuses actions without the same origin or the CSRF token, GETs on actions, bad bodies and unknown actions', async () => {
    const w = await start();
    const before = await snapshot(w.store);
    const token = await csrf(w);
    const json = { 'content-type': 'application/json' };
    const noOrigin = await call(w, 'POST', '/api/actions/sync-now', { headers: { ...json, 'x-csrf-token': token }, body: '{}' });
    expect([noOrigin.status, noOrigin.json.error.code]).toEqual([403, 'ORIGIN_REFUSED']);
    const foreign = await call(w, 'POST', '/api/actions/sync-now', { headers: { ...json, origin: 'http://evil.example', 'x-csrf-token': token }, body: '{}' });
    expect([foreign.status, foreign.json.error.code]).toEqual([403, 'ORIGIN_REFUSED']);
    const origin = { origin: `http://${w.host}` };
    const noCsrf = await call(w, 'POST', '/api/actions/sync-now', { headers: { ...json, ...origin }, body: '{}' });
    expect([noCsrf.status, noCsrf.json.error.code]).toEqual([403, 'CSRF_REFUSED']);
    const badCsrf = await call(w, 'POST', '/api/actions/sync-now', { headers: { ...json, ...origin, 'x-csrf-token': 'forged' }, body: '{}' });
    expect([badCsrf.status, badCsrf.json.error.code]).toEqual([403, 'CSRF_REFUSED']);
    const asForm = await call(w, 'POST', '/api/actions/pause', { headers: { ...origin, 'x-csrf-token': token, 'content-type': 'text/plain' }, body: 'source=docs' });
    expect(asForm.status).toBe(415);
    const badJson = await call(w, 'POST', '/api/actions/pause', { headers: { ...json, ...origin, 'x-csrf-token': token }, body: '{"source":' });
    expect(badJson.status).toBe(400);
    expect((await call(w, 'GET', '/api/actions/sync-now')).status).toBe(405);
    expect((await post(w, 'explode', {})).status).toBe(404);
    expect(await snapshot(w.store)).toBe(before);
  });
});

describe('console API: access', () => {
  it('answers 421 to a Host it does not know, before anything else (DNS rebinding), but probes stay open', async () => {
    const w = await start();
    for (const path of ['/', '/api/totals', '/api/documents/1', '/metrics']) {
      const answer = await call(w, 'GET', path, { headers: { host: `evil.example:${new URL(w.url).port}` } });
      expect(answer.status, path).toBe(421);
      expect(answer.json.error.code).toBe('HOST_NOT_ALLOWED');
    }
    expect((await call(w, 'GET', '/api/totals', { headers: { host: `localhost:${new URL(w.url).port}` } })).status).toBe(200);
    expect((await call(w, 'GET', '/healthz', { headers: { host: 'evil.example' } })).status).toBe(200);
  });

  it('off loopback: the token guards /, /api/ and /metrics (401), a login sets a strict session cookie, probes need none', async () => {
    const w = await start({ offLoopback: true });
    const page = await call(w, 'GET', '/');
    expect(page.status).toBe(401);
    expect(page.text).toContain('name="token"');
    for (const path of ['/api/totals', '/api/documents', '/api/events', '/metrics']) {
      const answer = await call(w, 'GET', path);
      expect(answer.status, path).toBe(401);
      expect(answer.json.error.code).toBe('UNAUTHORIZED');
    }
    expect((await call(w, 'GET', '/healthz')).status).toBe(200);
    expect((await call(w, 'GET', '/readyz')).status).not.toBe(401);
    expect((await call(w, 'GET', '/api/totals', { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await call(w, 'GET', '/api/totals', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await call(w, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await call(w, 'GET', '/api/totals', { headers: { host: 'ingest.example.org', authorization: `Bearer ${TOKEN}` } })).status).toBe(200);

    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: `http://${w.host}` };
    expect((await call(w, 'POST', '/login', { headers: form, body: 'token=nope' })).status).toBe(401);
    expect((await call(w, 'POST', '/login', { headers: { ...form, origin: 'http://evil.example' }, body: `token=${TOKEN}` })).status).toBe(403);
    const login = await call(w, 'POST', '/login', { headers: form, body: `token=${TOKEN}` });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Max-Age|Expires/);
    expect(cookie).not.toContain(TOKEN);
    const session = { cookie: cookie.split(';')[0]! };
    expect((await call(w, 'GET', '/', { headers: session })).status).toBe(200);
    expect((await post(w, 'sync-now', {}, session)).status).toBe(200);
  });

  it('refuses a config that binds off loopback without daemon.tokenFile, naming the key', async () => {
    const root = await mkdtemp(join(tmpdir(), 'console-config-'));
    try {
      expect(() => configFor(root, { host: '0.0.0.0' })).toThrow(/daemon\.tokenFile: required when daemon\.host is not a loopback address/);
      expect(() => configFor(root, { host: '127.0.0.1' })).not.toThrow();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
