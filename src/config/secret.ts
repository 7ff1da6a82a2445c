/**
 * The organisation secret: where it comes from and how it is kept out of logs.
 * Sources, in order: SENSAY_ORGANIZATION_SECRET, then the file named by api.organizationSecretFile.
 * There is deliberately no command-line option: argv is visible to every user via `ps`.
 */
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { type Env, ENV_ORGANIZATION_SECRET, readSecretFromEnv } from './environment.js';
import { ConfigError } from './errors.js';

export { readLogLevel } from './environment.js';

const REDACTED = '[redacted]';

/**
 * Holds the secret in a private field. Every way a value usually gets printed or serialised
 * (template strings, String(), JSON.stringify, util.inspect / console.log, pino) yields
 * "[redacted]"; only an explicit reveal() gives the value, at the one place that sends it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export interface SecretSettings {
  readonly api: { readonly organizationSecretFile: string | null };
}

/**
 * The secret, or undefined when neither source is configured (commands that need it say so).
 * `warn` receives advice that is not an error, e.g. a secret file other users can read.
 * Throws ConfigError('SECRET_UNREADABLE') when the named file is missing, unreadable or empty.
 */
export function resolveSecret(config: SecretSettings, env: Env, warn: (message: string) => void): Secret | undefined {
  const fromEnv = readSecretFromEnv(env);
  if (fromEnv !== undefined) return new Secret(fromEnv);
  const file = config.api.organizationSecretFile;
  if (file === null) return undefined;
  const value = readSecretFile(file);
  const loose = looseMode(file);
  if (loose !== undefined) {
    warn(
      `api.organizationSecretFile: ${file} can be read by other users (mode ${loose}); ` +
        `run: chmod 600 ${file}`,
    );
  }
  return new Secret(value);
}

function readSecretFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `${code ?? 'read error'}`;
    throw unreadable(file, `cannot be read (${reason}); create it or set ${ENV_ORGANIZATION_SECRET}`);
  }
  const value = text.trim();
  if (value === '') throw unreadable(file, 'is empty; write the organisation secret into it');
  return value;
}

function unreadable(file: string, problem: string): ConfigError {
  return new ConfigError({
    code: 'SECRET_UNREADABLE',
    summary: 'Cannot read the organisation secret',
    issues: [`api.organizationSecretFile: ${file} ${problem}`],
  });
}

/** The octal mode when group or others may read the file; undefined when it is private enough. */
function looseMode(file: string): string | undefined {
  // Windows has no POSIX modes; Node reports 0o666 for every writable file there.
  if (process.platform === 'win32') return undefined;
  const mode = statSync(file).mode & 0o777;
  return (mode & 0o044) === 0 ? undefined : `0${mode.toString(8).padStart(3, '0')}`;
}
