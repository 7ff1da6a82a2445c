import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { kbPath, OTHER_REPLICA, REPLICA, SimClient } from '../support/sim-client.js';

let sim: Simulator;
let client: SimClient;
let clock: FakeClock;
/** ids in creation order: 5 text entries (READY by the time we list), 3 files never uploaded (NEW). */
let textIds: number[];
let fileIds: number[];

beforeEach(async () => {
  clock = new FakeClock();
  sim = await startSimulator({ clock, uploadsPerHour: Infinity, timeline: { stepMs: 1_000 } });
  client = new SimClient(sim);
  textIds = [];
  fileIds = [];
  for (let i = 1; i <= 5; i++) {
    const res = await client.post(kbPath(REPLICA), { title: `notes/topic-${i}.md`, text: `topic ${i}` });
    textIds.push(res.body.results[0].knowledgeBaseID);
    await clock.advance(1_000);
  }
  for (let i = 1; i <= 3; i++) {
    const res = await client.post(kbPath(REPLICA), { title: `files/scan-${i}.pdf`, filename: `scan-${i}.pdf` });
    fileIds.push(res.body.results[0].knowledgeBaseID);
    await clock.advance(1_000);
  }
  await client.post(kbPath(OTHER_REPLICA), { text: 'belongs elsewhere' });
  await clock.advance(10_000);
});

afterEach(async () => {
  await client.close();
  await sim.close();
});

const ids = (body: { items: { id: number }[] }) => body.items.map((item) => item.id);

describe('simulator: list', () => {
  it('lists one replica, newest first by default, with total', async () => {
    const res = await client.get(kbPath(REPLICA));
    expect(res.body.total).toBe(8);
    expect(ids(res.body)).toEqual([...textIds, ...fileIds].reverse());
  });

  it('sorts oldest first with sortOrder=asc', async () => {
    const res = await client.get(kbPath(REPLICA), { query: { sortBy: 'createdAt', sortOrder: 'asc' } });
    expect(ids(res.body)).toEqual([...textIds, ...fileIds]);
  });

  it('filters by status given comma-separated or as repeated keys, with the same result', async () => {
    const comma = await client.get(kbPath(REPLICA), { query: 'status=NEW,FILE_UPLOADED&sortOrder=asc' });
    const repeated = await client.get(kbPath(REPLICA), { query: { status: ['NEW', 'FILE_UPLOADED'], sortOrder: 'asc' } });
    expect(ids(comma.body)).toEqual(fileIds);
    expect(ids(repeated.body)).toEqual(fileIds);
    const ready = await client.get(kbPath(REPLICA), { query: { status: 'READY', sortOrder: 'asc' } });
    expect(ids(ready.body)).toEqual(textIds);
  });

  it('filters by type and by search over title and filename', async () => {
    const files = await client.get(kbPath(REPLICA), { query: { type: 'file' } });
    expect(files.body.total).toBe(3);
    const search = await client.get(kbPath(REPLICA), { query: { search: 'TOPIC-3' } });
    expect(ids(search.body)).toEqual([textIds[2]]);
    const byFilename = await client.get(kbPath(REPLICA), { query: { search: 'scan-2.pdf' } });
    expect(ids(byFilename.body)).toEqual([fileIds[1]]);
  });

  it('pages through results and reports only the total for pageSize=0', async () => {
    const page1 = await client.get(kbPath(REPLICA), { query: { pageSize: 3, page: 1, sortOrder: 'asc' } });
    const page3 = await client.get(kbPath(REPLICA), { query: { pageSize: 3, page: 3, sortOrder: 'asc' } });
    const beyond = await client.get(kbPath(REPLICA), { query: { pageSize: 3, page: 4 } });
    expect(ids(page1.body)).toEqual(textIds.slice(0, 3));
    expect(ids(page3.body)).toEqual(fileIds.slice(1));
    expect(beyond.body).toEqual({ success: true, items: [], total: 8 });
    const countOnly = await client.get(kbPath(REPLICA), { query: { pageSize: 0 } });
    expect(countOnly.body).toEqual({ success: true, items: [], total: 8 });
  });

  it.each([
    ['pageSize=101'],
    ['pageSize=-1'],
    ['page=0'],
    ['page=abc'],
    ['status=DONE'],
    ['type=pdf'],
    ['hasError=yes'],
    ['search=ab'],
    ['sortBy=title'],
    ['sortOrder=up'],
    ['page=1&page=2'],
  ])('answers 400 for %s', async (query) => {
    const res = await client.get(kbPath(REPLICA), { query });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
  });
});
