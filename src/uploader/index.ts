export { createJobRunner, type JobRunner, type JobRunnerDeps, type RunSummary, type StopReason } from './job-runner.js';
export { runUpload, type ClaimedUpload } from './upload-protocol.js';
export { reconcileReplica, reconcileClaim, ReconcileError, type ReconcileDeps, type ReconcileReport, type ClaimReconciliation } from './reconcile.js';
export { runDelete, runRename, type EntryJobOutcome } from './entry-jobs.js';
export { leaseOwnerId } from './owner-id.js';
export { expireDeadLocalLeases } from './dead-owners.js';
export { PROTOCOL_STEPS, DEFAULT_LEASE_MS, type ProtocolStep, type ProtocolHooks, type UploadBudget, type UploaderDeps } from './deps.js';
export type { UploadOutcome, ReleaseReason } from './outcome.js';
export { entryTitle, entryFilename, sharedReplicas } from './entry-title.js';
