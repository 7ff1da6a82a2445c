/** The configuration capability: load + validate the file, environment, the secret. */
export { loadConfig, DEFAULT_CONFIG_FILE, type LoadConfigOptions } from './load-config.js';
export { parseConfig, type ParseConfigOptions } from './parse-config.js';
export { ConfigError, type ConfigErrorCode } from './errors.js';
export { Secret, resolveSecret, type SecretSettings } from './secret.js';
export {
  readLogLevel,
  readConfigPath,
  ENVIRONMENT_VARIABLES,
  ENV_API_URL,
  ENV_CONFIG,
  ENV_LOG_LEVEL,
  ENV_ORGANIZATION_SECRET,
  LOG_LEVELS,
  type Env,
  type LogLevel,
} from './environment.js';
export { DEFAULT_API_VERSION, DEFAULT_BASE_URL, DEFAULT_STATE, type ConfigFileInput } from './schema.js';
export type {
  ApiConfig,
  Config,
  DaemonConfig,
  ExtractionConfig,
  LimitsConfig,
  LoadedConfig,
  OnDelete,
  SourceConfig,
  SourceMode,
  StatusConfig,
} from './types.js';
