import type { SqlRunner } from './sql-runner.js';

export function getMetaValue(sql: SqlRunner, key: string): string | null {
  return sql.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', key)?.value ?? null;
}

export function setMetaValue(sql: SqlRunner, key: string, value: string): void {
  sql.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
}
