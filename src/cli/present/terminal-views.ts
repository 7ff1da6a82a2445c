/**
 * Which views a command shows on stdout besides its result. Pure, so the TTY decision is tested
 * without a terminal: one line per document state change when a person is watching (stdout is a
 * terminal), never with `--json` or `--quiet`, always in the demo.
 */
export interface TerminalViewInput {
  readonly stdoutIsTTY: boolean;
  readonly quiet?: boolean | undefined;
  readonly json?: boolean | undefined;
  /** The demo shows its document lines wherever its output goes. */
  readonly demo?: boolean | undefined;
}

export interface TerminalViews {
  readonly documentLines: boolean;
  /** The `scanned · queued · … · budget · ETA` line (`watch` only). */
  readonly progressLine: boolean;
}

export function terminalViews(input: TerminalViewInput): TerminalViews {
  if (input.json) return { documentLines: false, progressLine: false };
  if (input.demo) return { documentLines: true, progressLine: false };
  const person = input.stdoutIsTTY && !input.quiet;
  return { documentLines: person, progressLine: person };
}
