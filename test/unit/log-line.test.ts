import { describe, expect, it } from 'vitest';
import { errorSummary, formatLogLine, lineFields, MAX_LINE_FIELDS } from '../../src/cli/log-line.js';
import { resolveLogFormat } from '../../src/cli/log-format.js';
import { terminalViews } from '../../src/cli/present/terminal-views.js';

const AT = new Date(2026, 0, 1, 14, 2, 7).getTime();
const plain = { colors: false };

describe('formatLogLine: one record, one line', () => {
  it('shows time, level, message and the fields that say what it is about', () => {
    const record = { level: 40, time: AT, pid: 1, hostname: 'h', component: 'daemon', source: 'docs', path: 'locked.pdf', reason: 'ENCRYPTED', detail: 'x', msg: 'file rejected' };
    expect(formatLogLine(record, plain)).toBe('14:02:07 WARN  file rejected  path=locked.pdf source=docs reason=ENCRYPTED');
  });

  it('leaves out zero counts, internal ids and nested objects, and keeps at most three fields', () => {
    const record = { level: 30, time: AT, msg: 'jobs ran', documentId: 4, uploaded: 3, deleted: 0, renamed: 1, failed: 2, released: 5, nested: { a: 1 } };
    const line = formatLogLine(record, plain);
    expect(line).toBe('14:02:07 INFO  jobs ran  uploaded=3 renamed=1 failed=2');
    expect(lineFields(record)).toHaveLength(MAX_LINE_FIELDS);
  });

  it('appends an error as its code and first line, from an Error or a toLogFields() object', () => {
    const serialised = { type: 'SensayApiError', message: 'connect ECONNREFUSED 127.0.0.1:9\n    at stack', code: 'UNREACHABLE', stack: 'Error: …\n at x' };
    const line = formatLogLine({ level: 40, time: AT, msg: 'reconciling with the API failed; backing off', err: serialised, retryInMs: 4000 }, plain);
    expect(line).toBe('14:02:07 WARN  reconciling with the API failed; backing off  retryInMs=4000 (UNREACHABLE: connect ECONNREFUSED 127.0.0.1:9)');
    expect(errorSummary({ status: 503, code: 'SERVER_ERROR', message: 'down' })).toBe('SERVER_ERROR 503: down');
    expect(errorSummary({ type: 'Error', message: 'plain' })).toBe('plain');
    expect(errorSummary('text\nmore')).toBe('text more');
    expect(errorSummary(undefined)).toBeNull();
  });

  it('never spans lines: newlines in messages and values are folded, long values cut, odd values quoted', () => {
    const line = formatLogLine({ level: 50, time: AT, msg: 'first\nsecond', detail: `a b\n${'x'.repeat(200)}` }, plain);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^14:02:07 ERROR first second {2}detail="a b x+…"$/);
  });

  it('colours the level only when asked', () => {
    expect(formatLogLine({ level: 30, time: AT, msg: 'm' }, { colors: true })).toContain('\u001b[32mINFO');
    expect(formatLogLine({ level: 30, time: AT, msg: 'm' }, plain)).not.toContain('\u001b');
  });
});

describe('which format, which views', () => {
  it('logs: the flag wins; otherwise pretty on a terminal and JSON everywhere else', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('document lines: for a person at a terminal, never with --json or --quiet, always in the demo', () => {
    expect(terminalViews({ stdoutIsTTY: true })).toEqual({ documentLines: true, progressLine: true });
    expect(terminalViews({ stdoutIsTTY: false })).toEqual({ documentLines: false, progressLine: false });
    expect(terminalViews({ stdoutIsTTY: true, quiet: true }).documentLines).toBe(false);
    expect(terminalViews({ stdoutIsTTY: true, json: true }).documentLines).toBe(false);
    expect(terminalViews({ stdoutIsTTY: false, demo: true })).toEqual({ documentLines: true, progressLine: false });
  });
});
