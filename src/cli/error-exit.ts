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
    if (error.code === 'UNEXPECTED_REDIRECT') return ExitCode.USAGE;
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
    const status = error.status === undefined ? '' : ` ${error.status}`;
    const tries = error.attempts && error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
    const head = `Sensay API error${status} ${error.code}${tries}: ${error.method} ${error.path}: ${error.message}${ids ? ` (${ids})` : ''}`;
    const hint = AUTH_CODES.has(error.code)
      ? 'check the organisation secret (SENSAY_ORGANIZATION_SECRET or api.organizationSecretFile)'
      : error.code === 'UNEXPECTED_REDIRECT'
        ? 'configuration error: the API answered with a redirect, so api.baseUrl (or SENSAY_API_URL) is not the API\'s own address; set it to the URL the API answers on directly (redirects are never followed: the secret must not travel)'
        : UNREACHABLE_CODES.has(error.code)
        ? 'check the network, api.baseUrl or SENSAY_API_URL; nothing was lost, the next run carries on'
        : undefined;
    return hint ? `${head}\n  ${hint}` : head;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `internal error — please report it with this text:\n${message}`;
}
