import type { PgRunner } from './pg-runner.js';

export async function getMetaValue(sql: PgRunner, key: string): Promise<string | null> {
  return (await sql.row<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))?.value ?? null;
}

export async function setMetaValue(sql: PgRunner, key: string, value: string): Promise<void> {
  await sql.run('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}
