import { initial } from './001-initial.js';
import { heldDeletes } from './003-held-deletes.js';
import type { Migration } from './migration.js';

/** In order; append new steps, never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([initial, heldDeletes]);

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
