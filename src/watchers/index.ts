export type { ChangeEvent, ChangeType } from './change-event.js';
export { createChangeBatcher, type ChangeBatch, type ChangeBatcher, type ChangeBatcherOptions } from './change-batcher.js';
export { WatchError, type WatchErrorCode } from './errors.js';
export { createSourceFilter, isAlwaysIgnoredName, type PathKind, type SourceFilter } from './ignore-rules.js';
export { scanToChanges } from './scan-diff.js';
export { scanSource, type FoundFile, type KnownStat, type ScanOptions, type ScanResult } from './scan-source.js';
export {
  createSourceWatcher,
  SourceWatcher,
  type SourceWatcherEvents,
  type SourceWatcherOptions,
} from './source-watcher.js';
