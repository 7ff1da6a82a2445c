/**
 * A long-running CLI process for the daemon's end-to-end tests: read its output while it runs,
 * wait for something to show up, signal it, and time its exit.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { BUILT_CLI, PROJECT_ROOT } from '../support/run-cli.js';

export interface LiveCli {
  readonly pid: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once `check` holds (polled every 50 ms); rejects with the output after `timeoutMs`. */
  until(what: string, check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** Sends the signal; resolves with the exit and how long it took after the signal. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `prefix` runs the CLI through a command that execs it (e.g. `ip netns exec NAME`): same pid. */
export function spawnCli(args: string[], env: Record<string, string>, options: { killAfterMs?: number; prefix?: string[] } = {}): LiveCli {
  const [command, ...argv] = [...(options.prefix ?? []), process.execPath, BUILT_CLI, ...args] as [string, ...string[]];
  const child = spawn(command, argv, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // A daemon that never stops must not outlive the test run.
  const guard = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal });
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  return {
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    async until(what, check, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (done) throw new Error(`the CLI exited while waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop(signal) {
      const started = Date.now();
      if (!done) child.kill(signal);
      const exit = await exited;
      return { ...exit, ms: Date.now() - started };
    },
    exited,
  };
}

/** A port free right now on 127.0.0.1 (the daemon reads its port from the config; 0 there means off). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * What an end-to-end test leaves behind, released in the right order after it: the CLI first
 * (killed, so it cannot write after), then the server it talked to, then its folder.
 */
export async function releaseAll(left: {
  cli?: Pick<LiveCli, 'stop'> | undefined;
  sim?: { close(): Promise<void> } | undefined;
  workspace?: { remove(): void } | undefined;
}): Promise<void> {
  await left.cli?.stop('SIGKILL');
  await left.sim?.close();
  left.workspace?.remove();
}
