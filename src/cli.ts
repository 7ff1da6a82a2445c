#!/usr/bin/env node
// The only place that ends the process: every command returns its exit code to here.
import { runCli } from './cli/main.js';
import { processIo } from './cli/io.js';

const stop = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  // A second Ctrl-C means "now": the first one asked the command to stop cleanly.
  if (signals > 1) process.exit(130);
  stop.abort(new Error(`received ${signal}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv.slice(2), {
  io: processIo,
  env: process.env,
  cwd: process.cwd(),
  stopSignal: stop.signal,
});
process.exit(code);
