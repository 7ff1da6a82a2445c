/**
 * The crash loop (`npm run test:crash`): a runner child SIGKILLed at random protocol steps after
 * random delays, then restarted with reconciliation; after each, the simulator must hold exactly
 * one live entry per document with its bytes, and nothing else.
 * Usage: tsx scripts/test-crash.ts [killPoints=50] [parallel=2]
 */
import { PROTOCOL_STEPS } from '../src/uploader/index.js';
import { runCrashScenario, type CrashScenario } from '../test/support/crash-scenario.js';

const total = Number(process.argv[2] ?? '50');
const parallel = Number(process.argv[3] ?? '2');
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

const figures = { tried: 0, killed: 0, duplicates: 0, orphans: 0, missing: 0, creates: 0, documents: 0 };
const failures: string[] = [];
const started = Date.now();

let next = 0;
async function worker(): Promise<void> {
  while (next < total) {
    next++;
    const scenario: CrashScenario = {
      step: pick(PROTOCOL_STEPS),
      delayMs: pick([0, 0, 1, 3, 10, 25, 60]),
      files: 3 + Math.floor(Math.random() * 3),
      mode: Math.random() < 0.8 ? 'file' : 'text',
      concurrency: pick([1, 2]),
    };
    const result = await runCrashScenario(scenario);
    figures.tried++;
    figures.documents += scenario.files;
    figures.creates += result.creates;
    if (result.killed) figures.killed++;
    figures.duplicates += result.duplicates;
    figures.orphans += result.orphans;
    figures.missing += result.missing;
    if (result.duplicates + result.orphans + result.missing > 0) failures.push(`${JSON.stringify(scenario)} → ${JSON.stringify(result)}`);
  }
}

await Promise.all(Array.from({ length: parallel }, () => worker()));
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `crash loop: kill points tried ${figures.tried} (killed mid-run ${figures.killed}), duplicates found ${figures.duplicates}, ` +
    `orphans found ${figures.orphans}, documents missing ${figures.missing}; creates ${figures.creates} for ${figures.documents} documents; ${seconds} s`,
);
for (const failure of failures) console.log(`FAILED ${failure}`);
process.exit(failures.length > 0 ? 1 : 0);
