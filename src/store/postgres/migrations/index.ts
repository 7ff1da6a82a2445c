import { initial } from './001-initial.js';
import { hosts } from './002-hosts.js';
import { consoleActions } from './003-console.js';
import type { PgMigration } from './migration.js';

/** In order; append new steps, never edit an applied one. */
export const PG_MIGRATIONS: readonly PgMigration[] = Object.freeze([initial, hosts, consoleActions]);

export const PG_LATEST_SCHEMA_VERSION: number = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;
