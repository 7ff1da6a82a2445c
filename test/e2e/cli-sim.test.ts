import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { request } from 'undici';
import { BUILT_CLI, PROJECT_ROOT } from '../support/run-cli.js';

describe('sensay-ingest sim', () => {
  it('serves the API on the port it prints, answers 401 without the secret, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BUILT_CLI, 'sim', '--port', '0', '--step-ms', '50'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', SENSAY_ORGANIZATION_SECRET: 'sim-e2e-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`sim exited early: ${stdout}`)));
    });
    expect(stdout).not.toContain('sim-e2e-secret');

    const path = '/v1/replicas/11111111-2222-4333-8444-555555555555/knowledge-base?pageSize=0';
    const denied = await request(`${url}${path}`);
    expect(denied.statusCode).toBe(401);
    await denied.body.dump();
    const allowed = await request(`${url}${path}`, { headers: { 'x-organization-secret': 'sim-e2e-secret' } });
    expect(allowed.statusCode).toBe(200);
    expect(await allowed.body.json()).toMatchObject({ success: true, total: 0 });

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a malformed --fail with exit 2 naming the flag', async () => {
    const child = spawn(process.execPath, [BUILT_CLI, 'sim', '--fail', 'nocount'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('--fail');
  });
});
