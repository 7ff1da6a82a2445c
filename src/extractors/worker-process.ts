/** Forks one extraction worker process with its V8 heap limit; its stdout/stderr stay ours. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workerEnvironment } from './worker-env.js';

/** The port the pool starts workers through; tests may pass a fake that fails to start. */
export type ForkWorker = (maxWorkerMemoryMb: number) => ChildProcess;

/** Works from compiled dist/ (worker.js) and from TypeScript sources under vitest/tsx (worker.ts). */
export const forkWorker: ForkWorker = (maxWorkerMemoryMb) => {
  const self = fileURLToPath(import.meta.url);
  const fromSource = self.endsWith('.ts');
  const script = fileURLToPath(new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url));
  const heap = `--max-old-space-size=${Math.max(64, Math.floor(maxWorkerMemoryMb))}`;
  return fork(script, [], {
    execArgv: fromSource ? ['--import', 'tsx', heap] : [heap],
    env: workerEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
};
