/**
 * `sensay-ingest console` (issue 11 §1): the console for cron hosts, served from the state file
 * alone (no secret, no API); its actions are recorded for the next run, which carries them out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli } from '../support/run-cli.js';
import { spawnCli, type LiveCli } from './cli-watch-harness.js';

const REPLICA = '6b5a4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d';

let workspace: CliWorkspace | undefined;
let served: LiveCli | undefined;
afterEach(async () => {
  await served?.stop('SIGKILL');
  served = undefined;
  workspace?.remove();
  workspace = undefined;
});

describe('sensay-ingest console', () => {
  it('serves the page and API from the state file without a secret; actions wait for the next run', async () => {
    const ws = createCliWorkspace({ prefix: 'cli-console-', replicaUUID: REPLICA });
    workspace = ws;
    served = spawnCli(['console', '--config', ws.configPath, '--port', '0'], {});
    const cli = served;
    await cli.until('the console URL', () => /Console: http:\S+/.test(cli.stdout()), 30_000);
    const url = /Console: (http:\S+?)\/ /.exec(cli.stdout())![1]!;

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const session = (await (await fetch(`${url}/api/session`)).json()) as { csrfToken: string; carriedOut: string; sources: string[] };
    expect(session).toMatchObject({ carriedOut: 'next-run', sources: ['docs'] });

    const post = (action: string, body: unknown) =>
      fetch(`${url}/api/actions/${action}`, { method: 'POST', headers: { origin: url, 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify(body) });
    expect(await (await post('pause', { source: 'docs' })).json()).toEqual({ source: 'docs', changed: true, carriedOut: 'next-run' });
    expect((await post('sync-now', {})).status).toBe(200);

    const status = JSON.parse((await runBuiltCli(['status', '--json', '--config', ws.configPath], { env: {}, timeoutMs: 30_000 })).stdout) as {
      pausedSources: { source: string }[];
      pendingActions: { kind: string }[];
    };
    expect(status.pausedSources.map((p) => p.source)).toEqual(['docs']);
    expect(status.pendingActions.map((a) => a.kind)).toEqual(['sync-now']);

    const exit = await cli.stop('SIGINT');
    expect(exit.code, cli.stderr().slice(-2000)).toBe(0);
  }, 90_000);
});
