import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, type LoadedConfig } from '../../src/config/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const UUID = '00000000-0000-4000-8000-000000000001';
const root = mkdtempSync(join(tmpdir(), 'sensay-config-'));
let counter = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `content` (an object, or raw text) as a config file in a fresh folder; returns its path. */
function writeConfig(content: unknown, name = 'sensay-ingest.config.json'): string {
  const dir = join(root, `case-${counter++}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const minimal = (source: Record<string, unknown> = {}) => ({ sources: [{ path: 'docs', replicaUUID: UUID, ...source }] });

/** The ConfigError thrown by `run`, so tests can assert on its code and issues. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

const invalid = (document: unknown, env: Record<string, string> = {}) =>
  configError(() => parseConfig(document, { configPath: join(root, 'c.json'), env }));

describe('loadConfig: defaults', () => {
  it('fills every key left out with its documented default', () => {
    const path = writeConfig(minimal());
    const config = loadConfig({ path, env: {} });
    const dir = dirname(path);
    expect(config.api).toEqual({
      baseUrl: 'https://api.sensay.io',
      apiVersion: '2025-03-25',
      userId: null,
      organizationSecretFile: null,
      timeoutSeconds: 95,
    });
    expect(config.state).toMatchObject({ path: join(dir, '.sensay-ingest/state.db') });
    expect(config.limits).toEqual({
      uploadsPerHour: 10,
      requestsPerMinute: 100,
      maxFileBytes: 52_428_800,
      maxAttempts: 3,
      recreateBackoffSeconds: 60,
    });
    expect(config.status).toEqual({ pollIntervalSeconds: 30, stuckAfterMinutes: 120 });
    expect(config.extraction).toEqual({
      workers: availableParallelism(),
      taskTimeoutSeconds: 60,
      maxWorkerMemoryMb: 1024,
      maxDocxUncompressedBytes: 536_870_912,
      maxDocxEntries: 10_000,
      idleSeconds: 30,
      startTimeoutSeconds: 60,
      pdfEngine: 'pdfium',
    });
    expect(config.daemon).toEqual({ port: 7441, host: '127.0.0.1', awaitWriteFinishMs: 2000, rescanMinutes: 10, unhealthyAfterSeconds: 600, tokenFile: null, publicHost: null });
    expect(config.sources).toEqual([
      {
        name: 'docs',
        path: join(dir, 'docs'),
        replicaUUID: UUID,
        include: ['**/*'],
        exclude: [],
        mode: 'file',
        onDelete: 'delete',
        maxDeletePercent: 20,
        priority: 0,
        requireText: false,
        update: 'replace',
        allowEmpty: false,
        standby: false,
      },
    ]);
    expect(config.host).toEqual({ name: hostname(), sourceLeaseSeconds: 60 });
    expect(config.configPath).toBe(path);
    expect(config.configDir).toBe(dir);
  });

  it('keeps values that are given, down to 1 second for polling and recreate backoff', () => {
    const config = loadConfig({
      path: writeConfig({
        ...minimal({ name: 'handbook', mode: 'text', onDelete: 'keep', priority: -2, requireText: true }),
        status: { pollIntervalSeconds: 1 },
        limits: { recreateBackoffSeconds: 1, uploadsPerHour: 1 },
        extraction: { workers: 2 },
        api: { userId: 'user-7' },
      }),
      env: {},
    });
    expect(config.status.pollIntervalSeconds).toBe(1);
    expect(config.status.stuckAfterMinutes).toBe(120);
    expect(config.limits.recreateBackoffSeconds).toBe(1);
    expect(config.limits.uploadsPerHour).toBe(1);
    expect(config.extraction.workers).toBe(2);
    expect(config.api.userId).toBe('user-7');
    expect(config.sources[0]).toMatchObject({ name: 'handbook', mode: 'text', onDelete: 'keep', priority: -2, requireText: true });
  });

  it('ignores "$comment" keys at every level, including inside sources', () => {
    const config = loadConfig({
      path: writeConfig({
        $comment: 'top',
        limits: { $comment: { uploadsPerHour: 'why' }, uploadsPerHour: 5 },
        sources: [{ $comment: ['any', 'shape'], path: 'docs', replicaUUID: UUID }],
      }),
      env: {},
    });
    expect(config.limits.uploadsPerHour).toBe(5);
    expect(config.sources[0]?.name).toBe('docs');
  });

  it('normalises the replica UUID to lower case', () => {
    const config = parseConfig(minimal({ replicaUUID: 'ABCDEF01-2345-4678-89AB-CDEF01234567' }), {
      configPath: join(root, 'c.json'),
      env: {},
    });
    expect(config.sources[0]?.replicaUUID).toBe('abcdef01-2345-4678-89ab-cdef01234567');
  });

  it('returns a deeply frozen result', () => {
    const config = loadConfig({ path: writeConfig(minimal()), env: {} });
    expect(() => {
      (config.limits as { uploadsPerHour: number }).uploadsPerHour = 1000;
    }).toThrow(TypeError);
    expect(() => (config.sources[0]?.include as string[]).push('**/*.exe')).toThrow(TypeError);
    expect(loadConfig({ path: writeConfig(minimal()), env: {} }).sources[0]?.include).toEqual(['**/*']);
  });
});

describe('loadConfig: paths', () => {
  it('resolves state, sources and the secret file against the config file folder, not the cwd', () => {
    const path = writeConfig({
      api: { organizationSecretFile: 'secrets/org.secret' },
      state: 'var/state.db',
      sources: [
        { path: '../shared-docs', replicaUUID: UUID },
        { path: '/srv/absolute/manuals', replicaUUID: UUID },
      ],
    });
    const dir = dirname(path);
    const config = loadConfig({ path, cwd: '/', env: {} });
    expect(config.state).toMatchObject({ path: join(dir, 'var/state.db') });
    expect(config.api.organizationSecretFile).toBe(join(dir, 'secrets/org.secret'));
    expect(config.sources.map((s) => [s.name, s.path])).toEqual([
      ['shared-docs', resolve(dir, '../shared-docs')],
      ['manuals', '/srv/absolute/manuals'],
    ]);
  });

  it('finds ./sensay-ingest.config.json in the cwd, then SENSAY_INGEST_CONFIG, and --config wins over both', () => {
    const inCwd = writeConfig(minimal({ name: 'from-cwd' }));
    const fromEnv = writeConfig(minimal({ name: 'from-env' }), 'other.json');
    const fromFlag = writeConfig(minimal({ name: 'from-flag' }), 'flag.json');
    const cwd = dirname(inCwd);
    const name = (config: LoadedConfig) => config.sources[0]?.name;
    expect(name(loadConfig({ cwd, env: {} }))).toBe('from-cwd');
    expect(name(loadConfig({ cwd, env: { SENSAY_INGEST_CONFIG: fromEnv } }))).toBe('from-env');
    expect(name(loadConfig({ cwd, path: fromFlag, env: { SENSAY_INGEST_CONFIG: fromEnv } }))).toBe('from-flag');
    // A relative --config is relative to the cwd.
    expect(name(loadConfig({ cwd: dirname(fromFlag), path: 'flag.json', env: {} }))).toBe('from-flag');
  });

  it('rejects two sources with the same resolved folder, and two sources with the same name', () => {
    const error = invalid({
      sources: [
        { path: 'docs', replicaUUID: UUID },
        { path: './docs/', replicaUUID: UUID, name: 'second' },
        { path: 'other/docs', replicaUUID: UUID },
      ],
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues).toEqual([
      `sources[1].path: "${join(root, 'docs')}" is the same folder as sources[0].path; list each folder once (split it with include/exclude patterns if needed)`,
      'sources[2].name: "docs" (taken from the folder name) is already the name of sources[0]; give each source a unique "name"',
    ]);
  });

  it('lets several uniquely named sources feed one replica', () => {
    const config = parseConfig(
      { sources: [{ path: 'a/docs', replicaUUID: UUID, name: 'a' }, { path: 'b/docs', replicaUUID: UUID }] },
      { configPath: join(root, 'c.json'), env: {} },
    );
    expect(config.sources.map((s) => s.name)).toEqual(['a', 'docs']);
  });
});

describe('loadConfig: validation messages name the key and the fix', () => {
  it('a malformed replica UUID', () => {
    const error = invalid(minimal({ replicaUUID: 'abc' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues).toEqual(['sources[0].replicaUUID: expected a UUID, got "abc"']);
    expect(error.message).toContain('sources[0].replicaUUID: expected a UUID, got "abc"');
  });

  it('integers below their minimum, fractions and strings', () => {
    expect(invalid({ ...minimal(), limits: { uploadsPerHour: 0 } }).issues).toEqual([
      'limits.uploadsPerHour: expected an integer >= 1, got 0',
    ]);
    expect(invalid({ ...minimal(), limits: { requestsPerMinute: 2.5, maxFileBytes: '50MB' } }).issues).toEqual([
      'limits.requestsPerMinute: expected an integer >= 1, got 2.5',
      'limits.maxFileBytes: expected an integer >= 1, got "50MB"',
    ]);
    expect(invalid({ ...minimal(), status: { pollIntervalSeconds: 0 } }).issues).toEqual([
      'status.pollIntervalSeconds: expected an integer >= 1, got 0',
    ]);
    expect(invalid({ ...minimal(), daemon: { port: 70000 } }).issues).toEqual([
      'daemon.port: expected an integer from 0 to 65535, got 70000',
    ]);
  });

  it('an unknown key, with a did-you-mean hint when one is close', () => {
    expect(invalid({ ...minimal(), limits: { uploadPerHour: 5 } }).issues).toEqual([
      'limits.uploadPerHour: unknown key (did you mean "uploadsPerHour"?)',
    ]);
    expect(invalid({ sources: [{ path: 'docs', replicaUuid: UUID }] }).issues).toEqual([
      'sources[0].replicaUUID: expected a UUID, got nothing (this key is required)',
      'sources[0].replicaUuid: unknown key (did you mean "replicaUUID"?)',
    ]);
  });

  it('an unknown key written at the wrong level says where it belongs', () => {
    expect(invalid({ ...minimal(), uploadsPerHour: 5 }).issues).toEqual([
      'uploadsPerHour: unknown key here (it belongs in "limits")',
    ]);
    expect(invalid({ ...minimal(), api: { mode: 'text' } }).issues).toEqual([
      'api.mode: unknown key here (it belongs in each entry of "sources")',
    ]);
  });

  it('an unknown key with nothing close lists the keys that are allowed', () => {
    expect(invalid({ ...minimal(), status: { frequency: 5 } }).issues).toEqual([
      'status.frequency: unknown key (expected one of: pollIntervalSeconds, stuckAfterMinutes)',
    ]);
  });

  it('a secret written into the config is refused without echoing its value', () => {
    const error = invalid({ ...minimal(), api: { organizationSecret: 'canary-in-config-1234' } });
    expect(error.issues).toEqual([
      'api.organizationSecret: unknown key (the secret is never read from the config file: set SENSAY_ORGANIZATION_SECRET or api.organizationSecretFile)',
    ]);
    expect(error.message).not.toContain('canary-in-config-1234');
  });

  it('missing or empty sources', () => {
    expect(invalid({}).issues).toEqual(['sources: expected an array of sources, got nothing (this key is required)']);
    expect(invalid({ sources: [] }).issues).toEqual([
      'sources: expected at least one source, e.g. [{ "path": "docs", "replicaUUID": "…" }], got []',
    ]);
    expect(invalid({ sources: [{ replicaUUID: UUID }] }).issues).toEqual([
      'sources[0].path: expected a folder path, got nothing (this key is required)',
    ]);
  });

  it('enums, booleans, types of whole sections and a non-object document', () => {
    expect(invalid({ ...minimal({ mode: 'pdf', requireText: 'yes' }), limits: 5 }).issues).toEqual([
      'limits: expected an object, got 5',
      'sources[0].mode: expected "file" or "text", got "pdf"',
      'sources[0].requireText: expected true or false, got "yes"',
    ]);
    expect(invalid([minimal()]).issues).toEqual([expect.stringMatching(/^\(root\): expected an object, got \[/)]);
  });

  it('an api.baseUrl that is not http(s)', () => {
    expect(invalid({ ...minimal(), api: { baseUrl: 'ftp://api.sensay.io' } }).issues).toEqual([
      'api.baseUrl: expected an http(s) URL such as "https://api.sensay.io", got "ftp://api.sensay.io"',
    ]);
  });

  it('reports every problem at once, not only the first', () => {
    const error = invalid({ sources: [{ path: 'docs', replicaUUID: 'abc' }], limits: { uploadsPerHour: 0 } });
    expect(error.issues).toHaveLength(2);
  });
});

describe('loadConfig: SENSAY_API_URL', () => {
  it('overrides api.baseUrl, without its trailing slash', () => {
    const config = loadConfig({
      path: writeConfig({ ...minimal(), api: { baseUrl: 'https://api.sensay.io' } }),
      env: { SENSAY_API_URL: 'http://127.0.0.1:8787/' },
    });
    expect(config.api.baseUrl).toBe('http://127.0.0.1:8787');
  });

  it('is validated, and the error names the variable', () => {
    expect(invalid(minimal(), { SENSAY_API_URL: 'ftp://127.0.0.1:8787' }).issues).toEqual([
      'SENSAY_API_URL: expected an http(s) URL such as "https://api.sensay.io", got "ftp://127.0.0.1:8787"',
    ]);
    expect(invalid(minimal(), { SENSAY_API_URL: 'localhost 8787' }).issues[0]).toMatch(/^SENSAY_API_URL: expected an http\(s\) URL/);
    expect(invalid(minimal(), { SENSAY_API_URL: 'http://user:pw@127.0.0.1' }).issues[0]).toMatch(/^SENSAY_API_URL: expected a URL without user:password@/);
  });
});

describe('loadConfig: file problems', () => {
  it('a missing file names the path and the ways to point at one', () => {
    const cwd = join(root, 'empty-folder');
    mkdirSync(cwd);
    const error = configError(() => loadConfig({ cwd, env: {} }));
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.configPath).toBe(join(cwd, 'sensay-ingest.config.json'));
    expect(error.issues[0]).toContain(join(cwd, 'sensay-ingest.config.json'));
    expect(error.issues[0]).toContain('--config');
  });

  it('a folder in place of the file is unreadable, not missing', () => {
    const error = configError(() => loadConfig({ path: root, env: {} }));
    expect(error.code).toBe('CONFIG_UNREADABLE');
    expect(error.issues[0]).toContain('it is a folder, not a file');
  });

  it.each([
    ['a trailing comma', '{\n  "sources": [],\n}\n', `line 3, column 1: trailing comma: remove the "," before "}", got '}'`],
    ['a comment', '{\n  // my replica\n  "sources": []\n}', `line 2, column 3: comments are not allowed in JSON; annotate with a "$comment" key instead, got '/'`],
    ['a missing comma', '{\n  "state": "a.db"\n  "sources": []\n}', `line 3, column 3: expected "," or "}" after a property value, got '"'`],
    ['an unquoted key', '{ sources: [] }', `line 1, column 3: property names must be in double quotes, got 's'`],
    ['an unterminated string', '{ "state": "a.db }', `line 1, column 12: unterminated string (a missing closing "), got '"'`],
    ['an empty file', '  \n', `line 1, column 1: the file is empty; expected a JSON object`],
  ])('invalid JSON (%s) gives the line and column', (_name, text, issue) => {
    const error = configError(() => loadConfig({ path: writeConfig(text), env: {} }));
    expect(error.code).toBe('CONFIG_INVALID_JSON');
    expect(error.issues).toEqual([issue]);
  });

  it('accepts a UTF-8 byte order mark', () => {
    const config = loadConfig({ path: writeConfig(`\uFEFF${JSON.stringify(minimal())}`), env: {} });
    expect(config.sources).toHaveLength(1);
  });
});

describe('shipped config files', () => {
  it('config/example.config.json loads cleanly and lists exactly the defaults', () => {
    const path = join(repoRoot, 'config/example.config.json');
    const example = loadConfig({ path, env: {} });
    const defaults = parseConfig({ sources: [{ path: 'docs', replicaUUID: example.sources[0]?.replicaUUID }] }, { configPath: path, env: {} });
    expect(example).toEqual(defaults);
  });

  it('config/demo.config.json points at the demo fixtures with fast timings for the simulator', () => {
    const config = loadConfig({
      path: join(repoRoot, 'config/demo.config.json'),
      env: { SENSAY_API_URL: 'http://127.0.0.1:45678' },
    });
    expect(config.api.baseUrl).toBe('http://127.0.0.1:45678');
    expect(config.state).toMatchObject({ path: join(repoRoot, '.sensay-ingest/demo/state.db') });
    expect(config.status.pollIntervalSeconds).toBe(1);
    expect(config.limits.recreateBackoffSeconds).toBe(1);
    expect(config.sources).toHaveLength(1);
    expect(config.sources[0]).toMatchObject({
      path: join(repoRoot, 'fixtures/demo'),
      replicaUUID: '00000000-0000-4000-8000-000000000001',
    });
  });
});
