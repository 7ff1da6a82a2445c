import { ExitCode, type CliIo } from '../io.js';

/** Commands announced in --help whose engine has not landed yet say so plainly. */
export async function notBuiltYet(name: string, io: CliIo): Promise<number> {
  io.err(
    `sensay-ingest ${name}: not built yet in this version. ` +
      'Use `sensay-ingest check` to verify configuration and API access, and `extract` to examine files.',
  );
  return ExitCode.USAGE;
}
