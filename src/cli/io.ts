/**
 * Where a command writes what people (or scripts, with --json) read.
 * Logs never go here: they go to the logger (stderr). Only src/cli writes to the terminal.
 */
export interface CliIo {
  /** Human or machine output: the command's result. */
  out(text: string): void;
  /** Human-facing messages that are not the result (warnings, hints, errors). */
  err(text: string): void;
  /** True when stdout is a terminal (colour, progress views). */
  readonly isTTY: boolean;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};

/** Exit codes shared by every command. */
export const ExitCode = {
  OK: 0,
  DOCUMENT_PROBLEM: 1,
  USAGE: 2,
  AUTH: 3,
  UNREACHABLE: 4,
  /** The run did not complete: files could not be read on this host (no extraction worker could start). */
  INCOMPLETE: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
