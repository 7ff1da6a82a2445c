import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { drawPlan, runCli } from './cli-run.js';
import { injectFault, type FaultKind } from './faults.js';
import { checkInvariants, type PhaseFigures } from './invariants.js';
import type { Phase } from './phases.js';
import type { Rng } from './random.js';
import { createWorld, type Mutation } from './world.js';

export interface PhaseResult {
  readonly phase: Phase;
  readonly kills: number;
  readonly killsByKind: Record<string, number>;
  readonly faults: Partial<Record<FaultKind, number>>;
  readonly runs: number;
  readonly unexpectedExits: string[];
  readonly mutations: Record<Mutation, number>;
  readonly violations: string[];
  readonly figures: PhaseFigures;
  readonly seconds: number;
  readonly keptAt: string | null;
}

const SETTLE_ROUNDS = 4;

/**
 * Runs `sync` again and again, editing the folders and injecting faults between runs, and kills
 * most runs from outside until `phase.kills` SIGKILLs have landed. Then, with the faults
 * cleared, lets `sync --wait` finish the work (the production recovery path: reconciliation
 * and dead-owner lease recovery, nothing expired by hand) and checks the invariants.
 */
export async function runPhase(phase: Phase, rng: Rng, log: (line: string) => void, keepOnFailure: boolean): Promise<PhaseResult> {
  const started = performance.now();
  const world = await createWorld(phase, rng, false);
  const killsByKind: Record<string, number> = {};
  const faults: Partial<Record<FaultKind, number>> = {};
  const unexpectedExits: string[] = [];
  const durations: number[] = [1500];
  let kills = 0;
  let runs = 0;
  try {
    while (kills < phase.kills) {
      if (phase.mutate && rng.chance(0.75)) for (let i = rng.int(1, 3); i > 0; i--) world.mutate(rng);
      const fault = injectFault(world.sim, phase.faults, rng);
      if (fault) faults[fault] = (faults[fault] ?? 0) + 1;
      const typical = [...durations].sort((a, b) => a - b)[Math.floor(durations.length / 2)] ?? 1500;
      const end = await runCli(world, drawPlan(rng, typical, rng.chance(0.85)), runs++);
      world.sim.resetFaults();
      if (end.killed) {
        kills++;
        for (const kind of end.jobKinds.length > 0 ? end.jobKinds : ['(no job held)']) killsByKind[kind] = (killsByKind[kind] ?? 0) + 1;
      } else {
        durations.push(end.ms);
        if (durations.length > 15) durations.shift();
        if (end.code !== 0 && end.code !== 1 && end.code !== 4) unexpectedExits.push(`run ${runs - 1} exited ${end.code}`);
      }
      if (runs % 25 === 0) log(`  ${phase.name}: ${runs} runs, ${kills} kills`);
    }
    const settle = phase.budgetBound ? ['sync', '--wait', '--max-wait', '15'] : ['sync', '--wait', '--max-wait', '150'];
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      const end = await runCli(world, { args: settle, kill: null }, runs++);
      if (!end.killed && end.code === 0) break;
      if (round === SETTLE_ROUNDS - 1 && !end.killed) unexpectedExits.push(`settling run exited ${end.code}`);
    }
    const checked = await checkInvariants(phase, world);
    let keptAt: string | null = null;
    if (checked.violations.length > 0 && keepOnFailure) {
      keptAt = `${world.dir}-kept`;
      cpSync(world.dir, keptAt, { recursive: true });
    }
    return {
      phase,
      kills,
      killsByKind,
      faults,
      runs,
      unexpectedExits,
      mutations: { ...world.written.byMutation },
      violations: checked.violations,
      figures: checked.figures,
      seconds: (performance.now() - started) / 1000,
      keptAt: keptAt === null ? null : join(keptAt),
    };
  } finally {
    await world.close();
  }
}
