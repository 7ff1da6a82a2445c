/**
 * The environment an extraction worker starts with: empty. Workers parse untrusted PDF and DOCX
 * files, so they must hold nothing worth stealing (no SENSAY_* secret, no tokens, no proxy
 * credentials). Node needs no variable to run a script by absolute path with its own execPath;
 * NODE_OPTIONS is deliberately not passed on (the worker's flags are our execArgv only).
 */
export function workerEnvironment(): NodeJS.ProcessEnv {
  return {};
}
