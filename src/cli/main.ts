import { Command, CommanderError, Option } from 'commander';
import { ExitCode, type CliIo } from './io.js';
import { packageVersion } from './package-version.js';
// Only small modules load at start-up, so argv parsing, --help, --version and usage errors stay
// fast: each command's module (config schema, pino, undici, the store, the engine) is imported
// inside its action. error-exit.js is kept eager: it pulls only the error classes (a few ms).
import { exitCodeForError, describeError } from './error-exit.js';
import type { SimFlags } from './commands/sim.js';
import type { SyncFlags } from './commands/sync.js';
import { LOG_FORMATS, type LogFormat } from './log-format.js';

export type CliContext = {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user asks a long-running command to stop (SIGINT/SIGTERM). */
  stopSignal?: AbortSignal;
  /** `--log-format`; unset: pretty on a terminal, JSON otherwise (see log-format.ts). */
  logFormat?: LogFormat;
};

const CONFIG_HELP = 'config file (default: $SENSAY_INGEST_CONFIG or ./sensay-ingest.config.json)';

/** Options every command takes, before or after the command's name. */
type GlobalFlags = { logFormat?: LogFormat };
/** Wraps a command's work so its exit code is what runCli returns. */
type Route = (work: (ctx: CliContext) => Promise<number>) => () => Promise<void>;

/**
 * Parses argv and runs one command. Returns the exit code instead of exiting, so tests can run
 * the whole CLI in-process and only src/cli.ts touches process.exit.
 */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const program = defineProgram(ctx);
  const route: Route = (work) => async () => {
    const { logFormat } = program.opts<GlobalFlags>();
    exitCode = await work(logFormat ? { ...ctx, logFormat } : ctx);
  };
  addRunCommands(program, route);
  addStateCommands(program, route);
  addToolCommands(program, route);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return failureExit(error, argv, ctx);
  }
}

function defineProgram(ctx: CliContext): Command {
  return new Command('sensay-ingest')
    .description(
      'Keep a Sensay replica\'s knowledge base in sync with folders of documents. ' +
        'Files (PDF, DOCX, TXT, MD, HTML) are validated, extracted and uploaded within the API\'s ' +
        'limits (10 uploads/hour, 100 requests/minute, 50 MB per file), then followed until READY.',
    )
    .version(packageVersion(), '-V, --version')
    .addOption(
      new Option('--log-format <format>', 'logs on stderr: "pretty" (one line each) or "json" (default: pretty on a terminal, json otherwise)').choices(
        LOG_FORMATS,
      ),
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .addHelpText(
      'after',
      '\nEnvironment:\n' +
        '  SENSAY_ORGANIZATION_SECRET  the organisation API key (never pass it as an argument)\n' +
        '  SENSAY_API_URL              overrides api.baseUrl (e.g. a local simulator)\n' +
        '  SENSAY_INGEST_CONFIG        config file when --config is not given\n' +
        '  SENSAY_INGEST_LOG_LEVEL     trace | debug | info | warn | error | fatal (default info)\n' +
        '\nExit codes: 0 ok, 1 a document was rejected or failed, 2 usage or configuration error,\n' +
        '            3 authentication or permission error, 4 API unreachable after retries.\n',
    );
}

function optsOf<T extends object>(program: Command, name: string): T {
  return program.commands.find((c) => c.name() === name)!.opts<T>();
}

/** The commands that sync: once, as a daemon, on a schedule. */
function addRunCommands(program: Command, run: Route): void {
  program
    .command('sync')
    .description('one-shot pass: scan, extract, upload within the budget, poll, report (what cron runs)')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('-q, --quiet', 'log warnings and errors only')
    .option('-v, --verbose', 'log debug detail')
    .option('--dry-run', 'print the plan and an ETA; write nothing')
    .option('--wait', "keep going until every document of this host's sources is terminal")
    .option('--max-wait <seconds>', 'give up waiting after this long')
    .option('--json', 'print one JSON object on stdout')
    .action(
      run(async (ctx) => {
        const { runSyncCommand } = await import('./commands/sync.js');
        return runSyncCommand(optsOf<SyncFlags>(program, 'sync'), ctx);
      }),
    );

  program
    .command('watch')
    .description('drop-folder daemon: watch every source and keep the replica in sync (Ctrl-C stops it)')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('-q, --quiet', 'log warnings and errors only; no banner or document lines')
    .option('-v, --verbose', 'log debug detail (every change hint, every job run)')
    .action(
      run(async (ctx) => {
        const { runWatchCommand } = await import('./commands/watch.js');
        return runWatchCommand(optsOf(program, 'watch'), ctx);
      }),
    );

  program
    .command('schedule')
    .description('built-in scheduler: the sync run on a cron expression, never overlapping (for hosts without cron)')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('-q, --quiet', 'log warnings and errors only')
    .option('-v, --verbose', 'log debug detail')
    .option('--cron <expression>', 'cron expression in local time, 5 fields or 6 with seconds first, e.g. "*/15 * * * *"')
    .option('--json', 'print one JSON object per line on stdout (start, each run, skipped ticks, stop)')
    .action(
      run(async (ctx) => {
        const { runScheduleCommand } = await import('./commands/schedule.js');
        return runScheduleCommand(optsOf(program, 'schedule'), ctx);
      }),
    );
}

/** The commands that read or change the recorded state, or prove the setup. */
function addStateCommands(program: Command, run: Route): void {
  program
    .command('status')
    .description('every document\'s state, attempts and last error; budget left; queue ETA')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--json', 'print one JSON object on stdout')
    .action(
      run(async (ctx) => {
        const { runStatusCommand } = await import('./commands/status.js');
        return runStatusCommand(optsOf(program, 'status'), ctx);
      }),
    );

  program
    .command('retry')
    .description('re-queue failed documents (all, or the paths named) with attempts reset, and resume paused replicas; the next sync uploads them')
    .argument('[paths...]', 'paths as `status` shows them (optionally prefixed with the source name), or files inside a source folder')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--json', 'print one JSON object on stdout')
    .action(
      run(async (ctx) => {
        const { runRetryCommand } = await import('./commands/retry.js');
        const cmd = program.commands.find((c) => c.name() === 'retry')!;
        return runRetryCommand(cmd.args, cmd.opts(), ctx);
      }),
    );

  program
    .command('approve-deletes')
    .description('release exactly the deletes the safety valve holds now (see `status`); the next sync applies them')
    .argument('[sources...]', 'source names (default: every source holding deletes)')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--json', 'print one JSON object on stdout')
    .action(
      run(async (ctx) => {
        const { runApproveDeletesCommand } = await import('./commands/approve-deletes.js');
        const cmd = program.commands.find((c) => c.name() === 'approve-deletes')!;
        return runApproveDeletesCommand(cmd.args, cmd.opts(), ctx);
      }),
    );

  addSourceActionCommands(program, run);
  addUpkeepCommands(program, run);
}

/** The state file's health and copy, and the proof of the setup (after the source actions in --help). */
function addUpkeepCommands(program: Command, run: Route): void {
  program
    .command('doctor')
    .description('check the state file for damage (quick_check; --full for integrity_check) and say what to do')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--full', 'run the full integrity_check (slower on a large state file)')
    .option('--json', 'print one JSON object on stdout')
    .action(
      run(async (ctx) => {
        const { runDoctorCommand } = await import('./commands/doctor.js');
        return runDoctorCommand(program.commands.find((c) => c.name() === 'doctor')!.opts(), ctx);
      }),
    );

  const state = program.command('state').description('manage the state store');
  state
    .command('copy')
    .description('copy a SQLite state into PostgreSQL (documents, entries, jobs, ledger, events, texts) so nothing is uploaded again')
    .requiredOption('--from <file>', 'the SQLite state file to copy')
    .option('--to <url>', 'the PostgreSQL database: a postgres:// URL without a password (PGPASSWORD or ~/.pgpass give it)')
    .option('--to-config <file>', "take the database from this config file's \"state\" (its urlFile may hold the password)")
    .option('--replace', 'delete what the target already holds, then copy')
    .option('--json', 'print one JSON object on stdout')
    .action(
      run(async (ctx) => {
        const { runStateCopyCommand } = await import('./commands/state-copy.js');
        return runStateCopyCommand(state.commands.find((c) => c.name() === 'copy')!.opts(), ctx);
      }),
    );

  program
    .command('check')
    .description('validate the config and secret, then reach each source\'s replica and count its entries')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--json', 'print one JSON object on stdout')
    .action(
      run(async (ctx) => {
        const { runCheck } = await import('./commands/check.js');
        return runCheck(optsOf(program, 'check'), ctx);
      }),
    );
}

/** The console's actions on sources, as commands, and the console itself for cron hosts (issue 11). */
function addSourceActionCommands(program: Command, run: Route): void {
  program
    .command('console')
    .description('serve the operator console from the state file (for hosts running sync from cron); actions are done by the next run')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--port <port>', 'port to listen on (default: daemon.port; 0 = any free port)')
    .option('-q, --quiet', 'log warnings and errors only')
    .option('-v, --verbose', 'log debug detail')
    .action(
      run(async (ctx) => {
        const { runConsoleCommand } = await import('./commands/console.js');
        return runConsoleCommand(optsOf(program, 'console'), ctx);
      }),
    );

  const commands = {
    pause: 'stop uploading and deleting for these sources (they are still scanned); recorded in the state file',
    resume: 'let paused sources upload and delete again',
  } as const;
  for (const [name, description] of Object.entries(commands)) {
    program
      .command(name)
      .description(description)
      .argument('<sources...>', 'source names, as in the config')
      .option('-c, --config <file>', CONFIG_HELP)
      .option('--json', 'print one JSON object on stdout')
      .action(
        run(async (ctx) => {
          const actions = await import('./commands/source-actions.js');
          const cmd = program.commands.find((c) => c.name() === name)!;
          const runner = name === 'pause' ? actions.runPauseCommand : actions.runResumeCommand;
          return runner(cmd.args, cmd.opts(), ctx);
        }),
      );
  }
  program
    .command('sync-now')
    .description('ask for a rescan at once: a running watch starts it within seconds, otherwise the next sync does')
    .argument('[source]', 'one source (default: all)')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--json', 'print one JSON object on stdout')
    .action(
      run(async (ctx) => {
        const { runSyncNowCommand } = await import('./commands/source-actions.js');
        const cmd = program.commands.find((c) => c.name() === 'sync-now')!;
        return runSyncNowCommand(cmd.args[0], cmd.opts(), ctx);
      }),
    );
}

/** Local tools: extraction, the simulator, the demo. */
function addToolCommands(program: Command, run: Route): void {
  program
    .command('extract')
    .description('detect, validate and extract files locally, showing what would be uploaded (no API calls)')
    .argument('<files...>', 'files to examine')
    .option('-c, --config <file>', 'take limits (maxFileBytes, extraction.*) from this config file')
    .option('--json', 'print one JSON array on stdout, one object per file in argument order')
    .option('--full', 'include the whole extracted text (with --json: a "text" field)')
    .action(
      run(async (ctx) => {
        const { runExtractCommand } = await import('./commands/extract-entry.js');
        const cmd = program.commands.find((c) => c.name() === 'extract')!;
        return runExtractCommand(cmd.args, cmd.opts(), ctx);
      }),
    );

  program
    .command('sim')
    .description('run the local Sensay API simulator (for demos and tests)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8787')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--step-ms <ms>', 'time each processing status lasts', '300')
    .option('--uploads-per-hour <n>', 'sliding-window create limit', '10')
    .option('--requests-per-minute <n>', 'sliding-window request limit', '100')
    .addOption(
      new Option('--fail <pattern:times>', 'entries whose title/filename match the glob get an error N times, then READY (repeatable)')
        .argParser((value: string, previous: string[] = []) => [...previous, value]),
    )
    .addOption(
      new Option('--unprocessable <pattern>', 'entries matching the glob end UNPROCESSABLE (repeatable)')
        .argParser((value: string, previous: string[] = []) => [...previous, value]),
    )
    .option('--quota', 'answer every create with a quota 429 (KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED)')
    .addOption(new Option('--delete-mode <code>', 'answer DELETE with 200 or 202').choices(['200', '202']).default('200'))
    .option('--clock-offset-seconds <s>', "the server's clock this far ahead of the host's (negative: behind)")
    .action(
      run(async (ctx) => {
        const { runSim } = await import('./commands/sim.js');
        return runSim(optsOf<SimFlags>(program, 'sim'), ctx);
      }),
    );

  program
    .command('demo')
    .description('what `npm start` runs: the daemon on a temporary copy of fixtures/demo against the built-in simulator')
    .option('-q, --quiet', 'log warnings and errors only')
    .option('-v, --verbose', 'log debug detail')
    .action(
      run(async (ctx) => {
        const { runDemo } = await import('./commands/demo.js');
        return runDemo(ctx, optsOf(program, 'demo'));
      }),
    );
}

function failureExit(error: unknown, argv: string[], ctx: CliContext): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
      return ExitCode.OK;
    }
    return ExitCode.USAGE;
  }
  ctx.io.err(describeError(error));
  const code = exitCodeForError(error);
  // Scripts reading --json always get one object, a failure included.
  if (argv.includes('--json')) ctx.io.out(JSON.stringify({ error: errorJson(error), exitCode: code }));
  return code;
}

function errorJson(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const { code, status, requestId, fingerprint } = error as Error & Record<string, unknown>;
    return { code: code ?? 'INTERNAL', message: error.message, status, requestId, fingerprint };
  }
  return { code: 'INTERNAL', message: String(error) };
}
