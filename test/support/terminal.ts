/**
 * Runs the built CLI on a real pseudo-terminal (util-linux `script`), as a person at a terminal
 * would: stdout and stderr are both the terminal, so `isTTY` is true for each, and what the test
 * reads is exactly what the person sees, both streams interleaved. Writing "\x03" to it is Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BUILT_CLI, PROJECT_ROOT } from './run-cli.js';

export interface TerminalRun {
  /** Everything the terminal showed so far, carriage returns removed. */
  readonly screen: () => string;
  /** Types into the terminal (e.g. "\x03" for Ctrl-C). */
  type(text: string): void;
  until(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
  kill(): void;
}

export const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

export function runInTerminal(args: string[], env: Record<string, string> = {}): TerminalRun {
  const command = ['exec', quote(process.execPath), quote(BUILT_CLI), ...args.map(quote)].join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SHELL: '/bin/sh', TERM: 'dumb', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve(code);
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  const text = () => screen.replaceAll('\r', '');
  return {
    screen: text,
    type: (input) => void child.stdin.write(input),
    async until(what, check, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (done) throw new Error(`the terminal closed while waiting for ${what}\n${text()}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${text()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    exited,
    kill: () => void child.kill('SIGKILL'),
  };
}
