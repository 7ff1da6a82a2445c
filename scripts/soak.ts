/**
 * The soak (`npm run soak`): at least 200 SIGKILLs, sent from outside at random instants, to the
 * built CLI (`dist/cli.js sync`) while it creates, replaces, recreates after an error, deletes
 * and renames, in file and text mode, with simulator faults mixed in (5xx bursts, connection
 * resets, 429 + Retry-After, slow and failing PUTs, unanswered creates, the server's clock
 * ±15 min), then the invariants: nothing lost, duplicated or orphaned, the budget kept, store and
 * server agreeing. Every run prints its seed; `npm run soak -- --seed N` replays its decisions
 * (edits, faults, kill delays), not the instants the kills land at: where a kill finds the CLI
 * depends on the machine's speed, so a replay reaches the same states only roughly.
 *
 * Options (--help lists them): --seed N, --short (the CI run: the same phases, faults and skews with 101 kills instead of 205),
 * --keep (copy a failing phase's folder, logs and state aside), --phase NAME (run one phase; it draws
 * from the same stream as in the whole run of that seed and mode, so `--seed N --phase budget-10-per-hour`
 * replays that phase of run N; with --kills it diverges once the kill count does),
 * --kills N (per phase, to try the harness quickly; the real runs keep their counts).
 * Needs `npm run build` first.
 */
import { existsSync } from 'node:fs';
import { BUILT_CLI } from './soak/cli-run.js';
import { phasesFor } from './soak/phases.js';
import { Rng } from './soak/random.js';
import { printReport } from './soak/report.js';
import { runPhase, type PhaseResult } from './soak/run-phase.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
};

if (flag('help')) {
  console.log(`usage: npm run soak -- [--seed N] [--short] [--phase NAME] [--keep] [--kills N]
  --seed N      replay run N's decisions (edits, faults, kill delays); default: a fresh seed
  --short       the same phases, faults and skews with 101 kills instead of 205
  --phase NAME  one phase only (${phasesFor('full').map((p) => p.name).join(', ')}), drawing what it drew in the whole run
  --keep        copy a failing phase's folder, logs and state aside
  --kills N     kills per phase (to try the harness quickly)
Needs \`npm run build\` first.`);
  process.exit(0);
}
const seedText = value('seed');
const seed = seedText === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(seedText);
if (!Number.isInteger(seed) || seed < 0) {
  console.error(`soak: --seed expects an integer >= 0, got "${seedText}"`);
  process.exit(2);
}
if (!existsSync(BUILT_CLI)) {
  console.error(`soak: ${BUILT_CLI} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const mode = flag('short') ? 'short' : 'full';
const only = value('phase');
const killsText = value('kills');
const allPhases = phasesFor(mode);
if (only !== undefined && !allPhases.some((phase) => phase.name === only)) {
  console.error(`soak: --phase expects one of ${allPhases.map((p) => p.name).join(', ')}, got "${only}"`);
  process.exit(2);
}
const phases = allPhases
  .map((phase, position) => ({ phase: killsText === undefined ? phase : { ...phase, kills: Number(killsText) }, position }))
  .filter(({ phase }) => only === undefined || phase.name === only);
console.log(`soak: seed ${seed} (replay with \`npm run soak -- --seed ${seed}${mode === 'short' ? ' --short' : ''}\`), ${mode} run, phases ${phases.map((p) => p.phase.name).join(', ')}`);

const results: PhaseResult[] = [];
for (const { phase, position } of phases) {
  // Each phase draws from its own stream, keyed by its place in the whole run: one phase run
  // alone (--phase) draws what it drew in the whole run.
  const rng = new Rng(seed + position * 7919);
  console.log(`== ${phase.name}: ${phase.kills} kills, uploadsPerHour ${phase.uploadsPerHour}, server clock ${phase.skewMs / 60_000} min`);
  results.push(await runPhase(phase, rng, (line) => console.log(line), flag('keep')));
}
const failed = printReport(seed, mode, results, (line) => console.log(line));
process.exit(failed ? 1 : 0);
