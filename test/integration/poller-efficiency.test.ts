import { afterEach, describe, expect, it } from 'vitest';
import { addDocument, MINUTE, REPLICA, requestsDuring, SECOND, startHarness, uploadDue, type Harness } from './poller-support.js';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ACCEPTANCE = Math.ceil(1000 / 100) + 2;
const DAY = 24 * 60 * MINUTE;

async function addMany(h: Harness, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await addDocument(h, `${prefix}/${String(i).padStart(4, '0')}.txt`);
}

describe('status poller: requests per cycle (measured on the simulator request log)', () => {
  it(`costs at most ${ACCEPTANCE} requests per cycle for 1,000 entries, processing or turned READY`, async () => {
    h = await startHarness();
    await addMany(h, 'bulk', 1000);
    expect(await uploadDue(h)).toHaveLength(1000);
    await h.clock.advance(1.5 * SECOND); // RAW_TEXT

    const processing = await requestsDuring(h, () => h!.poller.pollOnce());
    expect(processing.value).toMatchObject({ checked: 1000, ready: 0, requests: processing.requests.length });
    expect(processing.requests.length).toBe(10); // one per page of 100; the acceptance bound is 12
    expect(processing.requests.every((r) => r.method === 'GET' && r.query.pageSize === '100')).toBe(true);

    await h.clock.advance(10 * SECOND); // every entry READY: found by the terminal walk
    const ready = await requestsDuring(h, () => h!.poller.pollOnce());
    expect(ready.value).toMatchObject({ checked: 1000, ready: 1000, requests: ready.requests.length });
    expect(ready.requests.length).toBe(ACCEPTANCE); // 1 processing + 1 hasError + 10 READY pages
    expect(ready.requests.some((r) => /\/knowledge-base\/\d+$/.test(r.path))).toBe(false);

    const idle = await requestsDuring(h, () => h!.poller.pollOnce());
    expect(idle.requests).toHaveLength(0);
  });

  it('stops the READY walk at entries older than ours, then GETs only what is still missing', async () => {
    h = await startHarness();
    for (let i = 0; i < 250; i++) await h.api.createEntry(REPLICA, { title: `someone-else/${i}`, text: 'old' });
    await h.clock.advance(DAY);
    await addMany(h, 'mine', 5);
    const ids = await uploadDue(h);
    await h.clock.advance(10 * SECOND);
    for (const id of ids.slice(0, 2)) await h.api.deleteEntry(REPLICA, id);

    const cycle = await requestsDuring(h, () => h!.poller.pollOnce());

    expect(cycle.value).toMatchObject({ ready: 3, gone: 2 });
    // processing page, hasError page, ONE page of READY/UNPROCESSABLE (not three), two GETs
    expect(cycle.requests.map((r) => (r.query.status ?? r.query.hasError ?? r.path.split('/').pop()) as string)).toEqual([
      'NEW,FILE_UPLOADED,RAW_TEXT,PROCESSED_TEXT,VECTOR_CREATED',
      'true',
      'READY,UNPROCESSABLE',
      String(ids[0]),
      String(ids[1]),
    ]);
  });
});
