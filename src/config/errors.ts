/**
 * Why a configuration could not be used. Branch on `code`; show `issues` to the user, one per
 * line. Each issue names where the problem is (a key path, an environment variable, or a line and
 * column) and what to do about it. Issues never contain the organisation secret.
 */
export type ConfigErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_INVALID_JSON'
  | 'CONFIG_INVALID'
  | 'SECRET_UNREADABLE'
  | 'SECRET_MISSING'
  /** A source this host is configured with belongs to another live host (issue 10 §3). */
  | 'SOURCE_OWNED';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly issues: readonly string[];
  /** The config file concerned, when there is one (absolute path). */
  readonly configPath: string | undefined;

  constructor(options: {
    code: ConfigErrorCode;
    summary: string;
    issues: readonly string[];
    configPath?: string | undefined;
  }) {
    super(formatMessage(options.summary, options.issues));
    this.code = options.code;
    this.issues = Object.freeze([...options.issues]);
    this.configPath = options.configPath;
  }
}

function formatMessage(summary: string, issues: readonly string[]): string {
  if (issues.length === 0) return summary;
  return `${summary}\n${issues.map((issue) => `  - ${issue}`).join('\n')}`;
}
