/**
 * Wire types the simulator answers with, taken from the generated OpenAPI types so that a
 * schema change shows up here as a compile error rather than as a silent drift.
 */
import type { components, paths } from '../sensay/generated/api.js';

type KbPath = paths['/v1/replicas/{replicaUUID}/knowledge-base'];
type KbEntryPath = paths['/v1/replicas/{replicaUUID}/knowledge-base/{knowledgeBaseID}'];
type FileTypesPath = paths['/v1/knowledge-base/file-types'];

export type ApiListResponse = KbPath['get']['responses'][200]['content']['application/json'];
export type ApiListItem = ApiListResponse['items'][number];
export type ApiEntry = KbEntryPath['get']['responses'][200]['content']['application/json'];
export type ApiCreateResponse = KbPath['post']['responses'][207]['content']['application/json'];
export type ApiCreateResult = ApiCreateResponse['results'][number];
export type ApiFileTypesResponse = FileTypesPath['get']['responses'][200]['content']['application/json'];
export type ApiMediaGroup = ApiFileTypesResponse['mediaGroups'][number];

export type EntryType = ApiListItem['type'];
export type EntryStatus = ApiListItem['status'];
export type EntryError = NonNullable<ApiListItem['error']>;
export type FileMimeType = NonNullable<components['schemas']['KnowledgeBaseFileMimeType']>;

export const ENTRY_STATUSES: readonly EntryStatus[] = Object.freeze([
  'NEW',
  'FILE_UPLOADED',
  'RAW_TEXT',
  'PROCESSED_TEXT',
  'VECTOR_CREATED',
  'READY',
  'UNPROCESSABLE',
]);

export const ENTRY_TYPES: readonly EntryType[] = Object.freeze(['file', 'text', 'website', 'youtube']);

/** The statuses an entry passes through before READY; each has a duration on the timeline. */
export type ProcessingStatus = Exclude<EntryStatus, 'READY' | 'UNPROCESSABLE'>;
export const PROCESSING_STATUSES: readonly ProcessingStatus[] = Object.freeze([
  'NEW',
  'FILE_UPLOADED',
  'RAW_TEXT',
  'PROCESSED_TEXT',
  'VECTOR_CREATED',
]);
