import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readLogLevel, resolveSecret, Secret } from '../../src/config/index.js';

const CANARY = 'canary-secret-7f3a9c1e';
const dir = mkdtempSync(join(tmpdir(), 'sensay-secret-'));
let counter = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(content: string, mode = 0o600): string {
  const file = join(dir, `org-${counter++}.secret`);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

const withFile = (file: string | null) => ({ api: { organizationSecretFile: file } });

function collect(): { warn: (message: string) => void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (message) => warnings.push(message), warnings };
}

describe('resolveSecret', () => {
  it('reads SENSAY_ORGANIZATION_SECRET first, ignoring the file', () => {
    const { warn, warnings } = collect();
    const secret = resolveSecret(withFile(secretFile('from-file', 0o644)), { SENSAY_ORGANIZATION_SECRET: ` ${CANARY}\n` }, warn);
    expect(secret?.reveal()).toBe(CANARY);
    expect(warnings).toEqual([]);
  });

  it('reads the file named by api.organizationSecretFile, trimmed, without a warning at mode 0600', () => {
    const { warn, warnings } = collect();
    const secret = resolveSecret(withFile(secretFile(`${CANARY}\n`)), {}, warn);
    expect(secret?.reveal()).toBe(CANARY);
    expect(warnings).toEqual([]);
  });

  it('warns when the file can be read by group or others, suggesting chmod 600', () => {
    for (const mode of [0o644, 0o640, 0o604]) {
      const file = secretFile(CANARY, mode);
      const { warn, warnings } = collect();
      expect(resolveSecret(withFile(file), {}, warn)?.reveal()).toBe(CANARY);
      expect(warnings).toEqual([
        `api.organizationSecretFile: ${file} can be read by other users (mode 0${mode.toString(8)}); run: chmod 600 ${file}`,
      ]);
      expect(warnings.join('')).not.toContain(CANARY);
    }
  });

  it('treats a blank environment variable as unset', () => {
    expect(resolveSecret(withFile(null), { SENSAY_ORGANIZATION_SECRET: '  ' }, () => {})).toBeUndefined();
  });

  it('returns undefined when no secret is configured at all', () => {
    expect(resolveSecret(withFile(null), {}, () => {})).toBeUndefined();
  });

  it('fails with SECRET_UNREADABLE on an empty file or a missing one', () => {
    const empty = secretFile(' \n');
    const errors = [empty, join(dir, 'missing.secret')].map((file) => {
      try {
        resolveSecret(withFile(file), {}, () => {});
      } catch (error) {
        return error;
      }
      return undefined;
    });
    expect(errors[0]).toBeInstanceOf(ConfigError);
    expect(errors[0]).toMatchObject({ code: 'SECRET_UNREADABLE', issues: [expect.stringContaining(`${empty} is empty`)] });
    expect(errors[1]).toMatchObject({ code: 'SECRET_UNREADABLE', issues: [expect.stringContaining('no such file')] });
  });
});

describe('Secret', () => {
  it('never shows its value when printed, interpolated, serialised or inspected', () => {
    const secret = new Secret(CANARY);
    const holder = { headers: { 'X-ORGANIZATION-SECRET': secret }, nested: [secret] };
    const renderings = [
      String(secret),
      `${secret}`,
      `x${secret as unknown as string}`,
      JSON.stringify(holder),
      inspect(holder, { depth: 10, showHidden: true }),
      format('%s %o %O %j', secret, holder, holder, holder),
      Object.keys(secret).join(','),
    ];
    for (const text of renderings) expect(text).not.toContain(CANARY);
    expect(JSON.stringify(holder)).toContain('[redacted]');
    expect(secret.reveal()).toBe(CANARY);
  });
});

describe('readLogLevel', () => {
  it('defaults to info and accepts any case', () => {
    expect(readLogLevel({})).toBe('info');
    expect(readLogLevel({ SENSAY_INGEST_LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(readLogLevel({ SENSAY_INGEST_LOG_LEVEL: 'fatal' })).toBe('fatal');
  });

  it('rejects an unknown level naming the variable and the choices', () => {
    expect(() => readLogLevel({ SENSAY_INGEST_LOG_LEVEL: 'verbose' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        issues: ['SENSAY_INGEST_LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, got "verbose"'],
      }),
    );
  });
});
