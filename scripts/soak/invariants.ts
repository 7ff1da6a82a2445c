import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { extractFile } from '../../src/extractors/extract-file.js';
import type { SimEntry } from '../../src/sim/index.js';
import type { Phase } from './phases.js';
import type { SoakWorld } from './world.js';

const HOUR = 3_600_000;

export interface PhaseFigures {
  files: number;
  creates: number;
  maxCreatesPerDocument: number;
  createsInBusiestHour: number;
  slotsTaken: number;
  slotsWasted: number;
  entryErrors: number;
}

export interface Checked {
  violations: string[];
  figures: PhaseFigures;
}

interface StoreRow {
  source_name: string;
  rel_path: string;
  state: string;
  entry_id: number | null;
  previous_entry_id: number | null;
}

/**
 * The soak's promises, checked against the simulator (the server's truth) and the state file:
 * every file has exactly one live READY entry with its exact bytes (file mode) or text (text
 * mode), no title has two live entries, no live entry belongs to no file, creates in any sliding
 * hour stay within the budget, and the store records exactly the entries the server holds.
 */
export async function checkInvariants(phase: Phase, world: SoakWorld): Promise<Checked> {
  const violations: string[] = [];
  const entries = world.sim.entries();
  const rows = readStore(world.statePath);
  let files = 0;
  for (const source of world.sources) {
    const live = entries.filter((e) => e.replicaUUID === source.replicaUUID && !e.deleted);
    const names = readdirSync(source.dir).sort();
    files += names.length;
    for (const name of names) {
      const mine = live.filter((e) => e.title === name);
      if (mine.length > 1) violations.push(`duplicate: ${source.name}/${name} has ${mine.length} live entries (${mine.map((e) => `${e.id}:${e.status}`).join(', ')})`);
      const row = rows.find((r) => r.source_name === source.name && r.rel_path === name && r.state !== 'gone');
      if (phase.budgetBound && mine.length === 0) {
        if (row?.state !== 'queued') violations.push(`lost: ${source.name}/${name} has no entry and is ${row?.state ?? 'not in the store'}, not queued`);
        continue;
      }
      const good = [];
      for (const entry of mine) if (entry.status === 'READY' && (await carries(entry, join(source.dir, name), source.mode))) good.push(entry);
      if (good.length === 0 && !phase.budgetBound) {
        violations.push(`lost: ${source.name}/${name} has no READY entry with its exact ${source.mode === 'file' ? 'bytes' : 'text'} (live: ${mine.map((e) => `${e.id}:${e.status}`).join(', ') || 'none'})`);
      }
      const agreed = mine.length === 1 && row?.entry_id === mine[0]?.id && row?.previous_entry_id === null;
      if (mine.length > 0 && !agreed) {
        violations.push(`disagree: ${source.name}/${name}: store says ${row ? `${row.state} entry ${row.entry_id} previous ${row.previous_entry_id}` : 'nothing'}, server has ${mine.map((e) => e.id).join(', ')}`);
      }
    }
    for (const entry of live) {
      if (!names.includes(entry.title ?? '')) violations.push(`orphan: entry ${entry.id} "${entry.title}" (${entry.status}) in ${source.name}'s replica belongs to no file`);
    }
  }
  const liveIds = new Set(entries.filter((e) => !e.deleted).map((e) => e.id));
  for (const row of rows) {
    for (const id of [row.entry_id, row.previous_entry_id]) {
      if (id !== null && !liveIds.has(id)) violations.push(`disagree: store row ${row.source_name}/${row.rel_path} (${row.state}) names entry ${id}, which the server does not hold`);
    }
  }
  const busiest = busiestHour(entries);
  if (busiest > phase.uploadsPerHour) violations.push(`budget: ${busiest} creates in one sliding hour, limit ${phase.uploadsPerHour}`);
  const perTitle = new Map<string, number>();
  for (const e of entries) perTitle.set(`${e.replicaUUID}/${e.title}`, (perTitle.get(`${e.replicaUUID}/${e.title}`) ?? 0) + 1);
  const slotsTaken = countSlots(world.statePath);
  const entryErrors = entries.filter((e) => e.failure !== null && e.createOrdinal <= 1 && /flaky/.test(e.title ?? '')).length;
  return {
    violations,
    figures: {
      files,
      creates: entries.length,
      maxCreatesPerDocument: Math.max(0, ...perTitle.values()),
      createsInBusiestHour: busiest,
      slotsTaken,
      slotsWasted: Math.max(0, slotsTaken - world.written.versions - entryErrors),
      entryErrors,
    },
  };
}

async function carries(entry: SimEntry, path: string, mode: 'file' | 'text'): Promise<boolean> {
  if (mode === 'file') return entry.upload?.sha256 === createHash('sha256').update(readFileSync(path)).digest('hex');
  const extraction = await extractFile(path);
  return extraction.ok && entry.text === extraction.text;
}

/** The most creates (entries ever made, deleted ones included) within any one hour. */
function busiestHour(entries: readonly SimEntry[]): number {
  const times = entries.map((e) => e.createdAt).sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= HOUR) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

function readStore(statePath: string): StoreRow[] {
  if (!existsSync(statePath)) return [];
  const db = new Database(statePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT source_name, rel_path, state, entry_id, previous_entry_id FROM documents').all() as StoreRow[];
  } finally {
    db.close();
  }
}

function countSlots(statePath: string): number {
  if (!existsSync(statePath)) return 0;
  const db = new Database(statePath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM budget_slots').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
