import { ExitCode } from './io.js';
import { ConfigError } from '../config/errors.js';
import { AUTH_CODES, SensayApiError, UNREACHABLE_CODES } from '../sensay/errors.js';
import { StoreError } from '../store/errors.js';
import { SimulatorOptionsError } from '../sim/errors.js';

/** Maps a failure that escaped a command onto the documented exit codes. */
export function exitCodeForError(error: unknown): number {
  if (error instanceof ConfigError) return ExitCode.USAGE;
  if (error instanceof StoreError) return ExitCode.USAGE;
  if (error instanceof SimulatorOptionsError) return ExitCode.USAGE;
  if (error instanceof SensayApiError) {
    if (AUTH_CODES.has(error.code)) return ExitCode.AUTH;
    if (UNREACHABLE_CODES.has(error.code)) return ExitCode.UNREACHABLE;
    return ExitCode.DOCUMENT_PROBLEM;
  }
  return ExitCode.DOCUMENT_PROBLEM;
}

/** One readable paragraph for the terminal: what went wrong and, where we know it, the fix. */
export function describeError(error: unknown): string {
  if (error instanceof ConfigError) {
    return `configuration error (${error.code}): ${error.message}`;
  }
  if (error instanceof SimulatorOptionsError) return `simulator option error: ${error.message}`;
  if (error instanceof StoreError) return `state store error (${error.code}): ${error.message}`;
  if (error instanceof SensayApiError) {
    const ids = [error.requestId && `requestId ${error.requestId}`, error.fingerprint && `fingerprint ${error.fingerprint}`]
      .filter(Boolean)
      .join(', ');
    return `Sensay API error ${error.status ?? ''} ${error.code}: ${error.message}${ids ? ` (${ids})` : ''}`;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `internal error — please report it with this text:\n${message}`;
}
