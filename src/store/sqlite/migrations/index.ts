import { initial } from './001-initial.js';
import { historyRetention } from './005-history-retention.js';
import type { Migration } from './migration.js';

/** In order; append new steps, never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([initial, historyRetention]);

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
