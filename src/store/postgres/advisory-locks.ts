/**
 * The first key of every advisory lock this adapter takes (two-key form, `pg_advisory_xact_lock(
 * class, key)`): "SI" and a number, one per use, so two uses never lock each other out. The
 * migration's class never changes (hosts one release apart migrate under the same lock).
 */
export const ADVISORY_LOCK_CLASSES = Object.freeze({
  /** One budget scope; second key: the scope's hash. */
  budget: 0x5349_0001,
  /** Schema migrations; second key 0. */
  migration: 0x5349_0002,
  /** One host, source-owner or replica-lease row, or the request window; second key: the row key's hash. */
  hostLease: 0x5349_0003,
});
