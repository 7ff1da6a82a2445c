import { describe, expect, it } from 'vitest';
import { plan, planPaced, type KnownDocument, type PlanInput, type ScannedFile } from '../../src/engine/planner.js';
import { mapSteps, runPaced, runSteps, type Steps } from '../../src/engine/steps.js';
import { file, known, rejectedFile, seen, source } from './planner-builders.js';

/** Counts turns of the event loop while `work` runs. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  running = false;
  return { value, turns };
}

/** A large input with every kind of decision: unchanged, changed, new, renamed, gone, rejected, duplicate. */
function largeInput(count: number): PlanInput {
  const docs: KnownDocument[] = [];
  const files: ScannedFile[] = [];
  for (let i = 0; i < count; i++) {
    const path = `d${i % 50}/f${i}.md`;
    const doc = known(i + 1, path, `text ${i}`, { discoveredAt: i });
    docs.push(doc);
    if (i % 10 === 1) files.push(file(path, `changed ${i}`, { mtimeMs: 2_000 }));
    else if (i % 10 === 2) files.push(file(`moved/${i}.md`, `text ${i}`));
    else if (i % 10 === 3) continue; // gone
    else files.push(seen(doc));
  }
  for (let i = 0; i < count / 10; i++) {
    files.push(file(`new/${i}.md`, i % 3 === 0 ? 'text 4' : `new ${i}`));
    files.push(rejectedFile(`bad/${i}.pdf`, 'CORRUPT'));
  }
  return { sources: [source({ maxDeletePercent: 100 })], files, known: docs, scanComplete: { docs: true } };
}

describe('steps', () => {
  function* squares(n: number): Steps<number> {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += i * i;
      if (i % 100 === 99) yield;
    }
    return sum;
  }

  it('gives the same result run at once or paced', async () => {
    expect(runSteps(squares(10_000))).toBe(await runPaced(squares(10_000)));
    expect(await runPaced(mapSteps([1, 2, 3], (x) => x * 2))).toEqual([2, 4, 6]);
  });

  it('paced with a zero slice, gives the event loop a turn at every yield', async () => {
    const { value, turns } = await turnsDuring(() => runPaced(squares(1_000), 0));
    expect(value).toBe(runSteps(squares(1_000)));
    expect(turns).toBeGreaterThanOrEqual(9);
  });
});

describe('planPaced', () => {
  it('plans exactly what plan does', async () => {
    const input = largeInput(5_000);
    const paced = await planPaced(input);
    const direct = plan(input);
    expect(paced).toEqual(direct);
    // Every kind of decision is in there, so the comparison covers every path of the planner.
    const actions = new Set(direct.jobs.map((job) => job.action));
    expect([...actions].sort()).toEqual(['create', 'delete', 'none', 'rename', 'replace']);
    expect(direct.rejected.length).toBeGreaterThan(0);
    expect(direct.duplicates.length).toBeGreaterThan(0);
  });

  it('lets the event loop run while it plans a large input', async () => {
    const input = largeInput(50_000);
    const { turns } = await turnsDuring(() => planPaced(input));
    // Synchronously (as before) there would be no turn at all until the plan is done.
    expect(turns).toBeGreaterThan(1);
  });
});
