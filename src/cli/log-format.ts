/**
 * `--log-format pretty|json`. Without the flag: one-line records on a terminal, JSON lines
 * everywhere else (a pipe, a file, journald, a CI log), so machines always get the full record.
 */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function resolveLogFormat(flag: LogFormat | undefined, stderrIsTTY: boolean): LogFormat {
  return flag ?? (stderrIsTTY ? 'pretty' : 'json');
}

/** The decision for this process: stderr is where the logs go. */
export function prettyLogsFor(flag: LogFormat | undefined): boolean {
  return resolveLogFormat(flag, Boolean(process.stderr.isTTY)) === 'pretty';
}
