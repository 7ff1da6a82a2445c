import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './errors.js';

/** Shorter tokens can be guessed; `openssl rand -hex 32` gives 64 characters. */
const MIN_TOKEN_LENGTH = 16;

/**
 * The console's access token from `daemon.tokenFile` (null when none is configured). Refused with
 * a ConfigError naming the key when the file is missing, empty, too short or readable by others;
 * the token itself never appears in a message.
 */
export function readConsoleToken(file: string | null): string | null {
  if (file === null) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw refused(file, `cannot be read (${code === 'ENOENT' ? 'no such file' : code}); create it with a long random token`);
  }
  const token = text.trim();
  if (token.length < MIN_TOKEN_LENGTH) throw refused(file, `holds a token shorter than ${MIN_TOKEN_LENGTH} characters; write a long random one (e.g. \`openssl rand -hex 32\`)`);
  if (process.platform !== 'win32' && (statSync(file).mode & 0o044) !== 0) {
    throw refused(file, `can be read by other users; run: chmod 600 ${file}`);
  }
  return token;
}

function refused(file: string, problem: string): ConfigError {
  return new ConfigError({ code: 'CONFIG_INVALID', summary: 'Cannot read the console token.', issues: [`daemon.tokenFile: ${file} ${problem}`] });
}
