import { readFile } from 'node:fs/promises';

/**
 * The page's files, shipped in the package (`dist/console/page/`, copied there by the build from
 * `src/console/page/`): no CDN, nothing fetched from elsewhere. Read once at start.
 */
export interface PageAssets {
  /** By URL path: `/`, `/assets/console.css`, `/assets/console.js`. */
  readonly files: ReadonlyMap<string, { readonly type: string; readonly body: Buffer }>;
}

const FILES: readonly [string, string, string][] = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/assets/console.css', 'console.css', 'text/css; charset=utf-8'],
  ['/assets/console.js', 'console.js', 'text/javascript; charset=utf-8'],
];

export async function loadPageAssets(folder: URL = new URL('./page/', import.meta.url)): Promise<PageAssets> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const [path, file, type] of FILES) files.set(path, { type, body: await readFile(new URL(file, folder)) });
  return { files };
}

/** The login form: no script (the CSP allows none inline), one labelled field. */
export function loginPage(failed: boolean): string {
  const notice = failed ? '<p class="notice notice-error" role="alert">That token is not the one in daemon.tokenFile. Try again.</p>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sensay-ingest console: sign in</title><link rel="stylesheet" href="/assets/console.css"></head>
<body><main class="login"><h1>sensay-ingest console</h1>
<p>This console is reachable from the network, so it asks for the token in <code>daemon.tokenFile</code> once per browser session.</p>
${notice}
<form method="post" action="/login"><label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></main></body></html>
`;
}
