export type PlanInputErrorCode = 'INVALID_SOURCE' | 'UNKNOWN_SOURCE' | 'DUPLICATE_PATH';

/**
 * The planner's input broke its contract (a bug in the caller, not a user mistake):
 * planning on inconsistent input could delete or upload the wrong thing, so it refuses.
 */
export class PlanInputError extends Error {
  override readonly name = 'PlanInputError';
  readonly code: PlanInputErrorCode;
  readonly source: string;
  readonly relPath: string | undefined;

  constructor(args: { code: PlanInputErrorCode; message: string; source: string; relPath?: string }) {
    super(args.message);
    this.code = args.code;
    this.source = args.source;
    this.relPath = args.relPath;
  }
}
