import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DAEMON_PORT } from '../../src/config/schema.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli } from '../support/run-cli.js';
import { hasScript, runInTerminal, type TerminalRun } from '../support/terminal.js';

const REPLICA = '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d';
const SECRET = 'canary-terminal-secret-6e1f';

/** A one-line log record as the terminal shows it: `14:02:07 INFO  message  key=value`. */
const LOG_LINE = /^\d\d:\d\d:\d\d (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) \S/;
/** A document state line: `  welcome.md: processing → ready`. */
const DOC_LINE = /^ {2}\S+: [a-z]+( → [a-z]+)?( \(.*\))?$/;

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
let terminal: TerminalRun | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  terminal?.kill();
  terminal = undefined;
  await sim?.close();
  sim = undefined;
  workspace?.remove();
  workspace = undefined;
  cleanup?.();
  cleanup = undefined;
});

async function syncWorkspace(files: Record<string, string>) {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 50 } });
  workspace = createCliWorkspace({ prefix: 'cli-terminal-', replicaUUID: REPLICA });
  for (const [path, text] of Object.entries(files)) workspace.write(path, text);
  return { env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url }, configPath: workspace.configPath };
}

/** Every non-empty line is one of the shapes a person is meant to read: no JSON, no multi-line objects. */
function unexpectedLines(screen: string, allowed: readonly RegExp[]): string[] {
  return screen
    .split('\n')
    .map((line) => line.replace(/^\^C/, '')) // the terminal echoes Ctrl-C
    .filter((line) => line.trim() !== '' && !allowed.some((shape) => shape.test(line)));
}

describe.skipIf(!hasScript)('on a terminal', { timeout: 60_000 }, () => {
  it('sync shows one line per document state change and one-line logs, never JSON, never the secret', async () => {
    const { env, configPath } = await syncWorkspace({ 'welcome.md': '# Welcome\n', 'notes.txt': 'Plain notes.\n' });
    terminal = runInTerminal(['sync', '--wait', '--config', configPath], env);
    expect(await terminal.exited).toBe(0);
    const screen = terminal.screen();
    for (const file of ['welcome.md', 'notes.txt']) expect(screen).toMatch(new RegExp(`^ {2}${file.replace('.', '\\.')}: (\\w+ → )?ready$`, 'm'));
    expect(screen).toMatch(/^\d\d:\d\d:\d\d INFO {2}sync pass finished {2}\S+=/m);
    expect(screen).not.toContain('{"level"');
    expect(screen).not.toContain(SECRET);
    // pino-pretty's multi-line objects were indented by four: nothing is now.
    expect(screen.split('\n').filter((line) => /^\s{4,}\S/.test(line))).toEqual([]);
  });

  it('--log-format json keeps full JSON logs even on a terminal', async () => {
    const { env, configPath } = await syncWorkspace({ 'a.md': '# A\n' });
    terminal = runInTerminal(['--log-format', 'json', 'sync', '--config', configPath], env);
    expect(await terminal.exited).toBe(0);
    const logs = terminal.screen().split('\n').filter((line) => line.startsWith('{'));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.map((line) => JSON.parse(line) as { msg: string }).map((r) => r.msg)).toContain('sync pass finished');
    expect(terminal.screen()).not.toMatch(LOG_LINE);
  });

  it('the demo (npm start) reads as banner, one-line logs and document lines; Ctrl-C stops it; a taken default port falls back to a free one and says so', { timeout: 60_000 }, async () => {
    const blocker = await holdPort(DEFAULT_DAEMON_PORT);
    terminal = runInTerminal(['demo']);
    const t = terminal;
    await t.until('every demo file ready', () => ['faq.html', 'opening-hours.txt', 'welcome.md'].every((f) => t.screen().includes(`  ${f}: processing → ready`)), 40_000);
    const workdir = /state and config in (\S+)\)/.exec(t.screen())?.[1];
    cleanup = () => {
      blocker?.close();
      if (workdir) rmSync(workdir, { recursive: true, force: true });
    };
    expect(t.screen()).toContain(`Port ${DEFAULT_DAEMON_PORT} is taken (EADDRINUSE`);
    const port = Number(/Health: http:\/\/127\.0\.0\.1:(\d+)\/healthz/.exec(t.screen())?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(DEFAULT_DAEMON_PORT);

    t.type('\u0003');
    expect(await t.exited).toBe(0);
    const banner = [
      /^No SENSAY_ORGANIZATION_SECRET set: /,
      /^Drop PDF, DOCX, TXT, MD or HTML files into \S+$/,
      /^\(a copy of fixtures\/demo; /,
      /^Port \d+ is taken /,
      /^Watching 1 source:$/,
      /^ {2}demo {2}\S+ {2}→ replica /,
      /^Health: /,
      /^Console: http:\/\/127\.0\.0\.1:\d+\/$/,
      /^Press Ctrl-C to stop\.$/,
      /^Demo stopped\. /,
    ];
    expect(unexpectedLines(t.screen(), [...banner, LOG_LINE, DOC_LINE])).toEqual([]);
  });
});

describe('--log-format', () => {
  it('pretty works off a terminal too (one line per record on stderr); an unknown format is a usage error; --help lists it', async () => {
    const { env, configPath } = await syncWorkspace({ 'a.md': '# A\n' });
    const pretty = await runBuiltCli(['sync', '--config', configPath, '--log-format', 'pretty'], { env });
    expect(pretty.code, pretty.stderr).toBe(0);
    const lines = pretty.stderr.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(LOG_LINE);
    // Off a terminal, no document lines on stdout: the summary only.
    expect(pretty.stdout).not.toMatch(DOC_LINE);

    const json = await runBuiltCli(['sync', '--config', configPath], { env });
    for (const line of json.stderr.split('\n').filter((l) => l !== '')) expect(() => JSON.parse(line)).not.toThrow();

    const bad = await runBuiltCli(['--log-format', 'yaml', 'status']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--log-format.*yaml.*pretty, json|Allowed choices are pretty, json/);
    const help = await runBuiltCli(['--help']);
    expect(help.stdout).toContain('--log-format <format>');
  });
});

function holdPort(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
