/**
 * The daemon's eyes: chokidar on every source, reporting settled changes as ChangeEvents.
 *
 * - `ignoreInitial`: the engine does its own catch-up scan (scanSource); this reports what happens
 *   after `ready`.
 * - `awaitWriteFinish`: a file still being copied is reported once its size has held still for
 *   `awaitWriteFinishMs`.
 * - Per-path debounce (`debounceMs`, latest event wins), so an editor's save-by-rename or a burst
 *   of writes becomes one event.
 * - Failures never throw out of the watcher: they are logged and emitted as `error` (when someone
 *   listens); the scans stay the source of truth.
 *
 * Consume with `on('change', fn)` or `for await (const event of watcher.events())`.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import type { SourceConfig } from '../config/types.js';
import { createChangeBatcher, type ChangeBatcher } from './change-batcher.js';
import type { ChangeEvent } from './change-event.js';
import { watchSource, type ChokidarSource } from './chokidar-source.js';
import { watchFolders } from './folder-watch-source.js';
import type { WatchError } from './errors.js';
import { EventStream } from './event-stream.js';

export interface SourceWatcherOptions {
  readonly sources: readonly SourceConfig[];
  /** How long a file's size must hold still before it is reported; 0 reports at once. */
  readonly awaitWriteFinishMs: number;
  readonly log: Logger;
  /** Poll with stat instead of OS notifications (network shares, containers). Default false. */
  readonly usePolling?: boolean | undefined;
  /** Polling interval per file and folder; default 1000 ms. */
  readonly pollingIntervalMs?: number | undefined;
  /** Quiet time per path before its latest event is delivered; default 200 ms. */
  readonly debounceMs?: number | undefined;
  readonly clock?: Clock | undefined;
}

export interface SourceWatcherEvents {
  change: [event: ChangeEvent];
  /** Every source is being watched (its initial listing is done). */
  ready: [];
  error: [error: WatchError];
}

export class SourceWatcher extends EventEmitter<SourceWatcherEvents> implements AsyncDisposable {
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #batcher: ChangeBatcher;
  readonly #abort = new AbortController();
  readonly #watchers: ChokidarSource[] = [];
  readonly #streams = new Set<EventStream<ChangeEvent>>();
  readonly #ready: Promise<void>;
  #timerPending = false;
  #closing: Promise<void> | undefined;

  constructor(options: SourceWatcherOptions) {
    super();
    this.#log = options.log.child({ component: 'watcher' });
    this.#clock = options.clock ?? systemClock;
    this.#batcher = createChangeBatcher({ quietMs: nonNegative('debounceMs', options.debounceMs ?? 200) });
    const awaitWriteFinishMs = nonNegative('awaitWriteFinishMs', options.awaitWriteFinishMs);
    const pollingIntervalMs = nonNegative('pollingIntervalMs', options.pollingIntervalMs ?? 1000);

    let waitingFor = options.sources.length;
    let markReady!: () => void;
    this.#ready = new Promise<void>((resolve) => (markReady = resolve));
    const sourceReady = () => {
      waitingFor -= 1;
      if (waitingFor !== 0) return;
      this.#log.info({ sources: options.sources.length }, 'watching');
      markReady();
      if (!this.#abort.signal.aborted) this.emit('ready');
    };
    if (waitingFor === 0) {
      waitingFor = 1;
      process.nextTick(sourceReady);
    }

    for (const source of options.sources) {
      this.#watchers.push(
        // Native watching: one watch per folder (chokidar's per-file watches cost ~12 KB a file).
        (options.usePolling === true ? watchSource : watchFolders)({
          source,
          awaitWriteFinishMs,
          usePolling: options.usePolling ?? false,
          pollingIntervalMs,
          log: this.#log.child({ source: source.name }),
          onChange: (event) => this.#accept(event),
          onReady: sourceReady,
          onError: (error) => this.#report(error),
        }),
      );
    }
  }

  /** Resolves once every source is watched (or closed first). */
  whenReady(): Promise<void> {
    return Promise.race([this.#ready, this.#closing ?? this.#ready]);
  }

  /** Events from now on, until close(). Several consumers each get every event. */
  events(): AsyncIterableIterator<ChangeEvent> {
    const stream: EventStream<ChangeEvent> = new EventStream(() => this.#streams.delete(stream));
    if (this.#abort.signal.aborted) stream.end();
    else this.#streams.add(stream);
    return stream;
  }

  /** Stops watching; pending (debounced) events are dropped — the next scan covers them. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    this.#abort.abort();
    this.#batcher.takeAll();
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
    await Promise.all(this.#watchers.map((w) => w.close()));
    this.#log.debug('watcher closed');
  }

  #accept(event: ChangeEvent): void {
    if (this.#abort.signal.aborted) return;
    this.#batcher.add(event, this.#clock.now());
    this.#schedule();
  }

  /** One timer at a time, set for the earliest due path; re-armed after each flush. */
  #schedule(): void {
    if (this.#timerPending || this.#abort.signal.aborted) return;
    const due = this.#batcher.nextDueAt();
    if (due === null) return;
    this.#timerPending = true;
    this.#clock.sleep(Math.max(0, due - this.#clock.now()), this.#abort.signal).then(
      () => {
        this.#timerPending = false;
        this.#flush();
      },
      () => (this.#timerPending = false),
    );
  }

  #flush(): void {
    if (this.#abort.signal.aborted) return;
    for (const batch of this.#batcher.takeDue(this.#clock.now())) {
      for (const event of batch.events) this.#deliver(event);
    }
    this.#schedule();
  }

  #deliver(event: ChangeEvent): void {
    this.#log.debug({ type: event.type, source: event.source, path: event.relPath }, 'change');
    for (const stream of this.#streams) stream.push(event);
    try {
      this.emit('change', event);
    } catch (err) {
      // A throwing listener must not stop the watcher or starve the other consumers.
      this.#log.error({ err }, 'a change listener threw');
    }
  }

  #report(error: WatchError): void {
    this.#log.warn({ code: error.code, osCode: error.osCode, path: error.path }, error.message);
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

export function createSourceWatcher(options: SourceWatcherOptions): SourceWatcher {
  return new SourceWatcher(options);
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`Expected \`${name}\` to be a finite number >= 0, got \`${String(value)}\``);
  }
  return value;
}
