import type { PhaseResult } from './run-phase.js';

/** Prints the figures the issue asks for; returns whether any invariant broke. */
export function printReport(seed: number, mode: string, results: readonly PhaseResult[], print: (line: string) => void): boolean {
  const total = (pick: (r: PhaseResult) => number) => results.reduce((sum, r) => sum + pick(r), 0);
  const byKind: Record<string, number> = {};
  const faults: Record<string, number> = {};
  for (const r of results) {
    for (const [kind, n] of Object.entries(r.killsByKind)) byKind[kind] = (byKind[kind] ?? 0) + n;
    for (const [kind, n] of Object.entries(r.faults)) faults[kind] = (faults[kind] ?? 0) + (n ?? 0);
  }
  print('');
  print(`soak report (seed ${seed}, ${mode}): ${total((r) => r.kills)} SIGKILLs in ${total((r) => r.runs)} runs, ${total((r) => r.seconds).toFixed(0)} s`);
  print(`  kills by job held: ${fmt(byKind)}`);
  print(`  faults injected: ${fmt(faults)}`);
  for (const r of results) {
    const f = r.figures;
    print(
      `  ${r.phase.name}: ${r.kills} kills, edits ${fmt(r.mutations)}; ${f.files} files, ${f.creates} creates ` +
        `(${(f.creates / Math.max(1, f.files + r.mutations.delete)).toFixed(2)} per document, at most ${f.maxCreatesPerDocument} for one title), ` +
        `busiest hour ${f.createsInBusiestHour}/${r.phase.uploadsPerHour}, slots taken ${f.slotsTaken}, entry errors injected ${f.entryErrors}, slots wasted ${f.slotsWasted}`,
    );
    for (const exit of r.unexpectedExits) print(`    note: ${exit}`);
    for (const violation of r.violations.slice(0, 20)) print(`    VIOLATION ${violation}`);
    if (r.violations.length > 20) print(`    … ${r.violations.length - 20} more`);
    if (r.keptAt) print(`    folder, logs and state kept at ${r.keptAt}`);
  }
  const violations = total((r) => r.violations.length);
  print(violations === 0 ? 'soak: every invariant held' : `soak: ${violations} violations (seed ${seed})`);
  return violations > 0;
}

function fmt(counts: Record<string, number>): string {
  const parts = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
