/**
 * Why a replica's uploads are paused until someone resumes them (`sensay-ingest retry`). The store
 * keeps the reason as text; this module is the one owner of that text, so readers (health) can
 * tell the kinds apart without guessing at other modules' wording.
 */
export type PauseKind = 'quota' | 'replica-not-found';

const PREFIX: Readonly<Record<PauseKind, string>> = {
  quota: 'quota exceeded for replica',
  'replica-not-found': 'replica not found:',
};

export function pauseReason(kind: PauseKind, replicaUUID: string): string {
  return kind === 'quota'
    ? `${PREFIX.quota} ${replicaUUID}: uploads paused; run \`sensay-ingest retry\` after raising the quota`
    : `${PREFIX['replica-not-found']} ${replicaUUID}: uploads paused; check sources[].replicaUUID, then run \`sensay-ingest retry\``;
}

/** The kind of a reason made by `pauseReason`; null for any other text. */
export function pauseKindOf(reason: string): PauseKind | null {
  for (const kind of Object.keys(PREFIX) as PauseKind[]) if (reason.startsWith(PREFIX[kind])) return kind;
  return null;
}
