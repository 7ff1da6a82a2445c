/**
 * The one root logger, made by the entry point; modules take `log.child({ component })`.
 * JSON lines to stderr (stdout belongs to command output and `--json`), or one line per record
 * for people (`pretty`, see log-line.ts).
 *
 * Secrets are kept out in two layers:
 *  1. pino `redact` censors the secret header wherever a headers object is logged, even when the
 *     value is not one we were told about;
 *  2. a last-stage scrub replaces every configured secret string in the finished line, so a secret
 *     inside an error message, a stack, a cause chain, a URL or any nested object cannot get through.
 *     The one-line format is made from the scrubbed JSON line and scrubbed once more.
 * Create the logger after resolving the secret, and pass it in `secrets`.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/environment.js';
import { formatLogLine } from './log-line.js';

export const REDACTED = '[redacted]';

const SECRET_HEADER_SPELLINGS = ['x-organization-secret', 'X-ORGANIZATION-SECRET', 'X-Organization-Secret'];

/** Where a secret header value can sit in what our code logs (requests, responses, errors). */
export const REDACT_PATHS: readonly string[] = SECRET_HEADER_SPELLINGS.flatMap((name) => {
  const key = `["${name}"]`;
  return [key, `*${key}`, `headers${key}`, `*.headers${key}`, `*.*.headers${key}`, `req.headers${key}`];
});

export interface RootLoggerOptions {
  level: LogLevel;
  /** One line per record for people (log-line.ts) instead of JSON; the CLI decides with resolveLogFormat. */
  pretty: boolean;
  /** Defaults to stderr (fd 2). Tests pass a sink. */
  destination?: DestinationStream | undefined;
  /** Values that must never appear in output, e.g. `[secret.reveal()]`. Empty strings are ignored. */
  secrets: readonly string[];
}

export function createRootLogger(options: RootLoggerOptions): Logger {
  const scrub = secretScrubber(options.secrets);
  const target = options.destination ?? pino.destination({ dest: 2, sync: true });
  const colors = options.destination === undefined && stderrTakesColour();
  const destination = options.pretty ? oneLineDestination(target, scrub, colors) : target;
  return pino(
    {
      level: options.level,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      serializers: { err: pino.stdSerializers.errWithCause },
      hooks: { streamWrite: scrub },
    },
    destination,
  );
}

/**
 * Formats each (already scrubbed) JSON line synchronously, so no line is still in flight when the
 * process exits. The formatted line is scrubbed again: it must never depend on the JSON's escaping.
 */
function oneLineDestination(target: DestinationStream, scrub: (line: string) => string, colors: boolean): DestinationStream {
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return target.write(line);
      }
      target.write(`${scrub(formatLogLine(record, { colors }))}\n`);
    },
  };
}

function stderrTakesColour(): boolean {
  return Boolean(process.stderr.isTTY && process.stderr.hasColors?.());
}

/**
 * Replaces each secret, in every form it can take inside a JSON line: as written, JSON-escaped
 * (once, or twice when a JSON body was logged as a string) and URL-encoded.
 */
export function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const needles = [...new Set(secrets.filter((secret) => secret !== '').flatMap(encodings))].sort(
    (a, b) => b.length - a.length,
  );
  if (needles.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const needle of needles) {
      if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    }
    return out;
  };
}

function encodings(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [secret, once, twice, encodeURIComponent(secret)];
}

/** A sink that keeps every line written to it, for tests and for `--json` capture. */
export class LineSink implements DestinationStream {
  readonly raw: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line !== '') this.raw.push(line);
  }

  /** The lines parsed as JSON (pretty output is not JSON: read `raw` then). */
  records(): Record<string, unknown>[] {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  text(): string {
    return this.raw.join('\n');
  }
}

export interface TestLogger {
  log: Logger;
  sink: LineSink;
}

/** A JSON logger writing into memory, with the same redaction as the real one. */
export function createTestLogger(options: { level?: LogLevel; secrets?: readonly string[] } = {}): TestLogger {
  const sink = new LineSink();
  const log = createRootLogger({
    level: options.level ?? 'trace',
    pretty: false,
    destination: sink,
    secrets: options.secrets ?? [],
  });
  return { log, sink };
}
