import { openConsole } from '../../console/open-console.js';
import { serveHttp } from '../../daemon/http-server.js';
import { openCommandContext } from '../command-context.js';
import { openState } from '../open-state.js';
import { ExitCode } from '../io.js';
import type { CliContext } from '../main.js';

export type ConsoleFlags = { config?: string; port?: string; quiet?: boolean; verbose?: boolean };

/**
 * `console`: the operator console for hosts that run `sync` from cron, served from the state
 * file alone (no daemon, no API, no secret) at `daemon.host`, on `--port` or `daemon.port`. Its
 * actions are recorded in the store and carried out by the next run (or a daemon on the same
 * state). Runs until Ctrl-C.
 */
export async function runConsoleCommand(flags: ConsoleFlags, ctx: CliContext): Promise<number> {
  const { config, log } = openCommandContext(flags, ctx);
  const port = flags.port === undefined ? config.daemon.port : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    ctx.io.err(`console: --port: expected an integer from 0 to 65535, got "${flags.port}"`);
    return ExitCode.USAGE;
  }
  const { store, clock } = await openState(config.state, ctx.env, log);
  const stop = ctx.stopSignal ?? new AbortController().signal;
  try {
    const handler = await openConsole({ config, store, clock, log, daemon: null });
    const server = await serveHttp(
      async (req, res) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (await handler.handle(req, res, path)) return;
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: the console is at /\n');
      },
      { port, host: config.daemon.host, log },
    );
    try {
      ctx.io.out(`Console: ${server.url}/  (from ${config.sources.length} source(s)' state; actions are carried out by the next run)`);
      ctx.io.out('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
    } finally {
      handler.close();
      await server.close();
    }
    return ExitCode.OK;
  } finally {
    await store.close();
  }
}
