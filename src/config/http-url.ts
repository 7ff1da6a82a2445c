/**
 * Checks an API base URL. Returns it without trailing slashes (so `${baseUrl}/v1/...` and
 * `new URL('/v1/...', baseUrl)` both work), or a description of what is wrong with it.
 */
export function normaliseHttpUrl(value: string): { ok: true; url: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: 'expected an http(s) URL such as "https://api.sensay.io"' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: 'expected an http(s) URL such as "https://api.sensay.io"' };
  }
  // Credentials in the URL would be copied into every log line and error that names the URL.
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'expected a URL without user:password@ (the secret comes from SENSAY_ORGANIZATION_SECRET)' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, problem: 'expected a base URL without "?query" or "#fragment"' };
  }
  return { ok: true, url: url.href.replace(/\/+$/, '') };
}
