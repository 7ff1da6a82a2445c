import { randomBytes } from 'node:crypto';
import type { EntryError, EntryType } from './api-types.js';
import { patchRefusal, planFailure, type FailurePlan, type NormalisedFailureRule } from './failures.js';

/** Fields a PATCH may set besides the title; shown back on GET. */
export interface EntryPatch {
  generatedTitle?: string;
  summary?: string;
  language?: string;
  rawText?: string;
  generatedFacts?: string[];
  rawTextChunks?: { content?: string; chunkIndex?: number; chunkTokens?: number; chunkChars?: number }[];
  error?: EntryError;
}

export interface StoredUpload {
  readonly size: number;
  readonly sha256: string;
  readonly at: number;
  /** The bytes themselves, served at the entry's `file.downloadURL`. */
  readonly bytes?: Buffer;
}

/** The simulator's record of one entry. Status is not stored: it is derived from the timeline. */
export interface StoredEntry {
  readonly id: number;
  readonly replicaUUID: string;
  readonly type: EntryType;
  title: string | undefined;
  readonly filename: string | undefined;
  readonly url: string | undefined;
  readonly autoRefresh: boolean;
  readonly text: string | undefined;
  readonly createdAt: number;
  /** When processing (re)started: the create, or the last PATCH of `rawText` of a text entry. */
  processingFrom: number;
  /** Last PATCH; the reported `updatedAt` is the later of this and the last status change. */
  patchedAt: number;
  upload: StoredUpload | null;
  readonly uploadToken: string | null;
  readonly signedUrlExpiresAt: number | null;
  /** Planned at the create; planned again when a PATCH of `rawText` restarts processing. */
  failure: FailurePlan | null;
  readonly fingerprint: string;
  /** 1 for the first entry ever created with this title (or filename), 2 for the next, … */
  readonly createOrdinal: number;
  readonly titleKey: string;
  deletedAt: number | null;
  readonly patch: EntryPatch;
}

export interface NewEntry {
  replicaUUID: string;
  type: EntryType;
  title?: string | undefined;
  filename?: string | undefined;
  url?: string | undefined;
  autoRefresh?: boolean | undefined;
  text?: string | undefined;
}

/** In-memory entries of every replica, deleted ones included (flagged) for test inspection. */
export class EntryStore {
  readonly #rules: readonly NormalisedFailureRule[];
  readonly #signedUrlTtlMs: number;
  readonly #entries = new Map<number, StoredEntry>();
  readonly #byToken = new Map<string, StoredEntry>();
  readonly #createCounts = new Map<string, number>();
  readonly #patchCounts = new Map<string, number>();
  #nextId = 1;

  constructor(rules: readonly NormalisedFailureRule[], signedUrlTtlMs: number) {
    this.#rules = rules;
    this.#signedUrlTtlMs = signedUrlTtlMs;
  }

  create(input: NewEntry, now: number): StoredEntry {
    const titleKey = input.title ?? input.filename ?? input.url ?? '';
    const ordinal = (this.#createCounts.get(titleKey) ?? 0) + 1;
    this.#createCounts.set(titleKey, ordinal);
    const isFile = input.type === 'file';
    const entry: StoredEntry = {
      id: this.#nextId++,
      replicaUUID: input.replicaUUID,
      type: input.type,
      title: input.title,
      filename: input.filename,
      url: input.url,
      autoRefresh: input.autoRefresh ?? false,
      text: input.text,
      createdAt: now,
      processingFrom: now,
      patchedAt: now,
      upload: null,
      uploadToken: isFile ? randomBytes(24).toString('base64url') : null,
      signedUrlExpiresAt: isFile ? now + this.#signedUrlTtlMs : null,
      failure: planFailure(this.#rules, input, { create: ordinal, patch: 0, any: ordinal + (this.#patchCounts.get(titleKey) ?? 0) }),
      fingerprint: randomBytes(16).toString('hex'),
      createOrdinal: ordinal,
      titleKey,
      deletedAt: null,
      patch: {},
    };
    this.#entries.set(entry.id, entry);
    if (entry.uploadToken) this.#byToken.set(entry.uploadToken, entry);
    return entry;
  }

  /**
   * A PATCH of `rawText`: the text is replaced and a text entry is processed again from the start
   * (NEW → … → READY), its failure planned afresh as a `patch` run (see FailureRule.on).
   */
  reprocess(entry: StoredEntry, rawText: string, now: number): void {
    entry.patch.rawText = rawText;
    if (entry.type !== 'text') return;
    const patches = (this.#patchCounts.get(entry.titleKey) ?? 0) + 1;
    this.#patchCounts.set(entry.titleKey, patches);
    const creates = this.#createCounts.get(entry.titleKey) ?? 0;
    const names = { title: entry.title, filename: entry.filename };
    entry.failure = planFailure(this.#rules, names, { create: creates, patch: patches, any: creates + patches }, 'patch');
    entry.processingFrom = now;
    delete entry.patch.error;
  }

  /** The 4xx a failure rule answers a PATCH of this entry's raw text with, or null. */
  patchRefusal(entry: StoredEntry): number | null {
    return patchRefusal(this.#rules, { title: entry.title, filename: entry.filename });
  }

  /** A live entry of that replica, or undefined (deleted and foreign entries are not found). */
  get(replicaUUID: string, id: number): StoredEntry | undefined {
    const entry = this.#entries.get(id);
    return entry && entry.deletedAt === null && entry.replicaUUID === replicaUUID ? entry : undefined;
  }

  byUploadToken(token: string): StoredEntry | undefined {
    return this.#byToken.get(token);
  }

  live(replicaUUID: string): StoredEntry[] {
    return [...this.#entries.values()].filter((e) => e.deletedAt === null && e.replicaUUID === replicaUUID);
  }

  hasLiveUrl(replicaUUID: string, url: string): boolean {
    return this.live(replicaUUID).some((e) => e.url === url);
  }

  delete(entry: StoredEntry, now: number): void {
    entry.deletedAt = now;
  }

  all(): StoredEntry[] {
    return [...this.#entries.values()];
  }

  createCount(titleKey: string): number {
    return this.#createCounts.get(titleKey) ?? 0;
  }
}
