import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRootLogger, createTestLogger, LineSink, REDACTED } from '../../src/cli/logger.js';
import { Secret } from '../../src/config/secret.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Quotes and a backslash: the JSON-escaped form differs from the raw one and must be caught too.
const CANARY = 'canary-"org\\secret"-5b2e';
const PLAIN_CANARY = 'canary-plain-91d0c4';

describe('createRootLogger: secrets never reach the output', () => {
  it('scrubs a configured secret from messages, errors, causes, stacks, bindings and nested objects', () => {
    const { log, sink } = createTestLogger({ secrets: [CANARY, PLAIN_CANARY] });
    const failure = new Error(`request failed with secret ${CANARY}`, { cause: new Error(`inner ${PLAIN_CANARY}`) });
    log.info(`message carrying ${CANARY}`);
    log.error({ err: failure }, 'upload failed');
    log.warn(failure);
    log.child({ component: 'client', token: PLAIN_CANARY }).info({ deep: { list: [{ value: CANARY }] } }, 'nested');
    log.info({ body: JSON.stringify({ secret: CANARY }) }, 'a JSON body logged as a string');
    log.info({ url: `https://api.example/?k=${encodeURIComponent(CANARY)}` }, 'an encoded form');
    log.info('printf style %s and %o', PLAIN_CANARY, { k: CANARY });

    const text = sink.text();
    expect(sink.raw).toHaveLength(7);
    expect(text).not.toContain(PLAIN_CANARY);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(JSON.stringify(CANARY).slice(1, -1));
    expect(text).not.toContain('canary');
    // Still valid JSON lines, with the errors still useful apart from the secret.
    const records = sink.records();
    expect(records[0]?.msg).toBe(`message carrying ${REDACTED}`);
    expect(records[1]).toMatchObject({
      msg: 'upload failed',
      err: { message: `request failed with secret ${REDACTED}`, cause: { message: `inner ${REDACTED}` } },
    });
  });

  it('censors the secret header in logged headers even when the value is not a configured secret', () => {
    const { log, sink } = createTestLogger({ secrets: [] });
    log.info({ headers: { 'x-organization-secret': 'unknown-1', accept: 'application/json' } }, 'a');
    log.info({ req: { headers: { 'X-ORGANIZATION-SECRET': 'unknown-2' } } }, 'b');
    log.info({ request: { options: { headers: { 'X-Organization-Secret': 'unknown-3' } } } }, 'c');
    log.info({ 'x-organization-secret': 'unknown-4' }, 'd');

    for (const value of ['unknown-1', 'unknown-2', 'unknown-3', 'unknown-4']) expect(sink.text()).not.toContain(value);
    expect(sink.records()[0]).toMatchObject({ headers: { 'x-organization-secret': REDACTED, accept: 'application/json' } });
  });

  it('renders a Secret object as "[redacted]"', () => {
    const { log, sink } = createTestLogger();
    log.info({ headers: { authorization: new Secret(PLAIN_CANARY) } }, 'secret object');
    expect(sink.text()).not.toContain(PLAIN_CANARY);
    expect(sink.records()[0]).toMatchObject({ headers: { authorization: REDACTED } });
  });

  it('scrubs the one-line (pretty) format too, in the message, the fields and the error', () => {
    const sink = new LineSink();
    const log = createRootLogger({ level: 'info', pretty: true, destination: sink, secrets: [PLAIN_CANARY, CANARY] });
    log.info({ path: PLAIN_CANARY }, `pretty ${PLAIN_CANARY}`);
    log.warn({ reason: CANARY, err: new Error(`failed with ${CANARY}`) }, 'quoted secret');
    log.error({ err: { code: 'UNREACHABLE', message: `at https://x/?k=${encodeURIComponent(CANARY)}` } }, `both ${CANARY} ${PLAIN_CANARY}`);
    expect(sink.raw).toHaveLength(3);
    expect(sink.raw[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}pretty \[redacted\] {2}path=\[redacted\]$/);
    expect(sink.raw[1]).toMatch(/WARN {2}quoted secret {2}reason=\[redacted\] \(failed with \[redacted\]\)$/);
    expect(sink.raw[2]).toContain('ERROR both [redacted] [redacted]');
    expect(() => JSON.parse(sink.raw[0] ?? '')).toThrow();
    expect(sink.text()).not.toContain('canary');
  });

  it('honours the level', () => {
    const sink = new LineSink();
    const log = createRootLogger({ level: 'warn', pretty: false, destination: sink, secrets: [] });
    log.info('hidden');
    log.warn('shown');
    expect(sink.records().map((record) => record.msg)).toEqual(['shown']);
  });
});

describe('createRootLogger: default destination', () => {
  it('writes JSON lines to stderr, leaving stdout to command output', () => {
    const script = [
      "import { createRootLogger } from './src/cli/logger.ts';",
      `const log = createRootLogger({ level: 'info', pretty: false, secrets: [${JSON.stringify(PLAIN_CANARY)}] });`,
      `log.info({ component: 'probe' }, 'hello ' + ${JSON.stringify(PLAIN_CANARY)});`,
      'process.exit(0);',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('');
    const record = JSON.parse(child.stderr.trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, component: 'probe', msg: `hello ${REDACTED}` });
    expect(child.stderr).not.toContain(PLAIN_CANARY);
  });
});
