/**
 * A request the console refuses, as the JSON it answers: `{ "error": { "code", "message" } }`.
 * Messages name the parameter and the rule; they never carry a path outside the sources, a
 * secret or a stack trace.
 */
export type ConsoleErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNAUTHORIZED'
  | 'HOST_NOT_ALLOWED'
  | 'ORIGIN_REFUSED'
  | 'CSRF_REFUSED'
  | 'UNKNOWN_SOURCE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL';

export class ConsoleRequestError extends Error {
  readonly status: number;
  readonly code: ConsoleErrorCode;

  constructor(status: number, code: ConsoleErrorCode, message: string) {
    super(message);
    this.name = 'ConsoleRequestError';
    this.status = status;
    this.code = code;
  }

  toJson(): { error: { code: ConsoleErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
