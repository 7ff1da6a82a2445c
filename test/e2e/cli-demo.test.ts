import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../support/run-cli.js';

describe('npm start (the demo)', () => {
  it('starts the built-in simulator when no secret is set and checks the demo config against it', async () => {
    const run = await runBuiltCli(['demo']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/started the built-in Sensay simulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain('reachable, authorised');
  });
});
